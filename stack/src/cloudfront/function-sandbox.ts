import { createHash, createHmac } from "node:crypto";
import vm from "node:vm";
import { SsoError } from "@static-sso/shared";
import { EXAMPLE_DISTRIBUTION } from "@static-sso/testing";
import { kvsFileReader } from "./kvs-file.js";

/**
 * Runs a CloudFront Function file (runtime cloudfront-js-2.0) the way CloudFront does, with only what
 * that runtime documents and nothing of Node: a fresh V8 context holding the ECMAScript built-ins, no
 * dynamic code (eval, Function, WebAssembly), and the runtime's modules, reached by `import X from "m"`
 * at the top or by `require`:
 * - `crypto`: createHmac and createHash (md5, sha1, sha256; digest as hex, base64 or base64url);
 * - `cloudfront`: kvs() over a local KeyValueStore file (kvs-file.ts), get/exists/meta;
 * - `console.log`.
 * No process, Buffer, fetch, timers, file system or network: using them throws, as the runtime would
 * refuse them. The runtime's `buffer` and `querystring` modules are documented but not offered here (no
 * function of ours uses them), and say so when required.
 *
 * Everything the function can touch is made inside its context: the host's functions stay in closures
 * and return only strings, so no object of the host realm (whose Function constructor would reach
 * `process`) is ever handed to the function. Events go in and results come out as JSON, as plain data.
 */

/** A viewer-request event as CloudFront Functions pass it. */
export interface FunctionEvent {
  version: "1.0";
  context: {
    distributionDomainName: string;
    distributionId: string;
    eventType: "viewer-request";
    requestId: string;
  };
  viewer: { ip: string };
  request: FunctionRequest;
}

type ValueMap = Record<string, { value: string; multiValue?: Array<{ value: string }> }>;

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: ValueMap;
  headers: ValueMap;
  cookies: ValueMap;
}

export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: ValueMap;
  cookies?: Record<string, { value: string; attributes?: string }>;
  body?: string | { encoding: "text" | "base64"; data: string };
}

/** What the function did with a request: passed it on (maybe changed), answered it, or failed. */
export type FunctionResult =
  | { kind: "request"; request: FunctionRequest }
  | { kind: "response"; response: FunctionResponse }
  | { kind: "error"; message: string };

export interface CloudFrontFunctionOptions {
  /**
   * The KeyValueStore associated with the function: a file in the import format (kvs-file.ts), re-read
   * when it changes, or entries in memory. None: `cf.kvs()` throws, as with no store associated.
   */
  kvs?: string | ReadonlyMap<string, string>;
  /** Each console.log line. Default: dropped. */
  log?: (line: string) => void;
  /**
   * Longest one call may compute before it is stopped and fails (CloudFront stops a function over its
   * compute budget; a local machine needs more room than an edge location). Default 1000 ms; 0: no
   * limit (each limited call starts a watchdog thread, which a benchmark of the function would time).
   */
  timeoutMs?: number;
}

export interface CloudFrontFunction {
  run(event: FunctionEvent): FunctionResult;
}

/** The function file cannot run in cloudfront-js-2.0 as written. */
export class FunctionLoadError extends SsoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("function_invalid", message, options);
  }
}

/** Marks a failure in a string a host function returns (strings are all that cross into the context). */
const FAIL = "\u0000";
const HASHES = new Set(["md5", "sha1", "sha256"]);
const ENCODINGS = new Set(["hex", "base64", "base64url"]);

function digestFails(algorithm: unknown, encoding: unknown): string | undefined {
  if (typeof algorithm !== "string" || !HASHES.has(algorithm))
    return `${FAIL}Digest method not supported: ${String(algorithm)} (cloudfront-js-2.0 has md5, sha1, sha256)`;
  if (encoding === undefined)
    return `${FAIL}digest() without an encoding returns a Buffer, which this sandbox does not offer`;
  if (typeof encoding !== "string" || !ENCODINGS.has(encoding))
    return `${FAIL}Unknown digest encoding: ${String(encoding)}`;
  return undefined;
}

/**
 * Runs inside the context: builds the runtime's modules and globals from the host's string-only
 * functions, and returns the call wrapper. Plain ES5, so it runs whatever the function file is.
 */
const SETUP = `(function (hmacHost, hashHost, kvsHost, logHost) {
  "use strict";
  var FAIL = "\\u0000";
  function check(r) {
    if (typeof r === "string" && r.charAt(0) === FAIL) throw new Error(r.slice(1));
    return r;
  }
  function digester(hmac, algorithm, key) {
    var data = "";
    return {
      update: function (chunk) {
        if (typeof chunk !== "string") throw new TypeError("this sandbox's crypto takes strings only");
        data += chunk;
        return this;
      },
      digest: function (encoding) {
        return check(hmac ? hmacHost(algorithm, key, data, encoding) : hashHost(algorithm, data, encoding));
      }
    };
  }
  var crypto = Object.freeze({
    createHmac: function (algorithm, key) {
      if (typeof key !== "string") throw new TypeError("this sandbox's createHmac takes a string key");
      return digester(true, algorithm, key);
    },
    createHash: function (algorithm) { return digester(false, algorithm, ""); }
  });
  function notOffered(name) {
    return function () { throw new Error(name + " is not offered by this sandbox"); };
  }
  var cloudfront = Object.freeze({
    kvs: function () {
      if (kvsHost("store", "") !== "1") throw new Error("KVSNamespaceNotFound: no KeyValueStore is associated with the function");
      return Object.freeze({
        get: function (key, options) {
          return new Promise(function (resolve, reject) {
            var value = kvsHost("get", String(key));
            if (value.charAt(0) === FAIL) return reject(new Error(value.slice(1)));
            var format = options ? options.format : undefined;
            if (format === undefined || format === "string") return resolve(value);
            if (format === "json") return resolve(JSON.parse(value));
            reject(new Error("format " + format + " is not offered by this sandbox"));
          });
        },
        exists: function (key) {
          return new Promise(function (resolve) { resolve(kvsHost("exists", String(key)) === "1"); });
        },
        meta: function () {
          return new Promise(function (resolve) { resolve({ keyCount: Number(kvsHost("count", "")) }); });
        }
      });
    },
    updateRequestOrigin: notOffered("cf.updateRequestOrigin"),
    selectRequestOriginById: notOffered("cf.selectRequestOriginById"),
    createRequestOriginGroup: notOffered("cf.createRequestOriginGroup")
  });
  var modules = { cloudfront: cloudfront, crypto: crypto };
  function hidden(name, value) {
    Object.defineProperty(globalThis, name, { value: value, enumerable: false, writable: false, configurable: false });
  }
  hidden("__cloudfrontModule", function (name) { return modules[name]; });
  hidden("require", function (name) {
    if (name === "crypto") return crypto;
    if (name === "buffer" || name === "querystring")
      throw new Error("require('" + name + "') is in cloudfront-js-2.0 but not offered by this sandbox");
    throw new Error("Cannot find module '" + name + "': cloudfront-js-2.0 has only crypto, querystring and buffer");
  });
  hidden("console", Object.freeze({
    log: function () {
      var parts = [];
      for (var i = 0; i < arguments.length; i++)
        parts.push(typeof arguments[i] === "string" ? arguments[i] : JSON.stringify(arguments[i]));
      logHost(parts.join(" "));
    }
  }));
  // V8 puts these in every context; cloudfront-js-2.0 has none of them.
  ["WebAssembly", "SharedArrayBuffer", "Atomics", "WeakRef", "FinalizationRegistry", "Intl"].forEach(function (name) {
    delete globalThis[name];
  });
  return function (handler) {
    return function (eventJson) {
      var box = { value: undefined };
      Promise.resolve()
        .then(function () { return handler(JSON.parse(eventJson)); })
        .then(
          function (result) { box.value = JSON.stringify(result === undefined ? null : result); },
          function (error) { box.value = FAIL + (error && error.stack ? error.stack : String(error)); }
        );
      return box;
    };
  };
})`;

/** `import X from "m";` statements at the top of the file, which a classic script cannot hold. */
function rewriteImports(code: string): string {
  let rest = code;
  let out = "";
  const leading = /^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s*(["'])([^"']+)\2\s*;?/;
  const loose = /^\s*import\s*([A-Za-z_$][\w$]*)\s*from\s*(["'])([^"']+)\2\s*;?/;
  for (let m = leading.exec(rest) ?? loose.exec(rest); m; m = leading.exec(rest) ?? loose.exec(rest)) {
    const [statement, name, , module] = m as unknown as [string, string, string, string];
    if (module !== "cloudfront" && module !== "crypto")
      throw new FunctionLoadError(
        `import from "${module}": cloudfront-js-2.0 offers only "cloudfront" and "crypto"`,
      );
    // One line per import, so the function's own line numbers stay where they were.
    out += `const ${name} = __cloudfrontModule(${JSON.stringify(module)});${statement.includes("\n") ? "\n" : ""}`;
    rest = rest.slice(statement.length);
  }
  return out + rest;
}

function kvsSource(kvs: CloudFrontFunctionOptions["kvs"]): (() => ReadonlyMap<string, string>) | undefined {
  if (kvs === undefined) return undefined;
  if (typeof kvs === "string") return kvsFileReader(kvs);
  return () => kvs;
}

/**
 * Loads a function file (its code, as uploaded) into a fresh sandbox. Throws FunctionLoadError when it
 * could not run there: a syntax error, an export, an import of another module, no top-level handler.
 */
export function loadCloudFrontFunction(
  code: string,
  options: CloudFrontFunctionOptions = {},
): CloudFrontFunction {
  const timeout = options.timeoutMs ?? 1000;
  const limit = timeout > 0 ? { timeout } : {};
  const readKvs = kvsSource(options.kvs);
  const log = options.log ?? (() => {});
  const context = vm.createContext(
    {},
    {
      name: "cloudfront-js-2.0",
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: "afterEvaluate",
    },
  );
  const hmacHost = (algorithm: unknown, key: unknown, data: unknown, encoding: unknown): string => {
    const bad = digestFails(algorithm, encoding);
    if (bad) return bad;
    return createHmac(algorithm as string, String(key))
      .update(String(data))
      .digest(encoding as "hex");
  };
  const hashHost = (algorithm: unknown, data: unknown, encoding: unknown): string => {
    const bad = digestFails(algorithm, encoding);
    if (bad) return bad;
    return createHash(algorithm as string)
      .update(String(data))
      .digest(encoding as "hex");
  };
  const kvsHost = (op: unknown, key: unknown): string => {
    if (!readKvs) return op === "store" ? "0" : `${FAIL}KVSNamespaceNotFound`;
    let entries: ReadonlyMap<string, string>;
    try {
      entries = readKvs();
    } catch (error) {
      return `${FAIL}KeyValueStore unreadable: ${(error as Error).message}`;
    }
    if (op === "store") return "1";
    if (op === "count") return String(entries.size);
    const value = entries.get(String(key));
    if (op === "exists") return value === undefined ? "0" : "1";
    return value === undefined ? `${FAIL}KeyNotFound` : value;
  };
  const logHost = (line: unknown) => log(String(line));
  const wrap = vm.runInContext(SETUP, context)(hmacHost, hashHost, kvsHost, logHost) as (
    handler: unknown,
  ) => unknown;

  // The file runs in strict mode (as the runtime runs every function) inside one function scope: its
  // top-level names are then that scope's, not properties of the context's global object, which Node
  // reaches through an interceptor on every lookup (calls between the file's functions cost ~10× more).
  const source = `(function () {"use strict";${rewriteImports(code)}\n;return typeof handler === "function" ? handler : undefined;\n})()`;
  let handler: unknown;
  try {
    handler = new vm.Script(source, { filename: "cloudfront-function.js" }).runInContext(context, limit);
  } catch (error) {
    if (error instanceof FunctionLoadError) throw error;
    throw new FunctionLoadError(`the function does not load in cloudfront-js-2.0: ${describe(error)}`, {
      cause: error,
    });
  }
  if (handler === undefined) throw new FunctionLoadError("the function has no top-level handler function");
  Object.defineProperty(context, "__run", { value: wrap(handler), enumerable: false });
  const call = new vm.Script("__run(__event)", { filename: "cloudfront-call.js" });

  return {
    run(event) {
      context.__event = JSON.stringify(event);
      let box: { value?: unknown };
      try {
        box = call.runInContext(context, limit) as { value?: unknown };
      } catch (error) {
        return { kind: "error", message: describe(error) };
      }
      const value = box.value;
      if (typeof value !== "string")
        return {
          kind: "error",
          message: "the handler did not finish (it awaited something that never settles)",
        };
      if (value.startsWith(FAIL)) return { kind: "error", message: value.slice(1) };
      const result = JSON.parse(value) as FunctionRequest | FunctionResponse | null;
      if (result && typeof (result as FunctionResponse).statusCode === "number")
        return { kind: "response", response: result as FunctionResponse };
      if (result && typeof (result as FunctionRequest).uri === "string")
        return { kind: "request", request: result as FunctionRequest };
      return { kind: "error", message: "the handler returned neither a request nor a response" };
    },
  };
}

/** An error's text, whichever realm it comes from (instanceof does not cross contexts). */
function describe(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  return e && typeof e.message === "string" ? `${String(e.name)}: ${e.message}` : String(error);
}

function valueMap(entries: Iterable<[string, string]>): ValueMap {
  const out: ValueMap = {};
  for (const [name, value] of entries) {
    const seen = out[name];
    if (!seen) out[name] = { value };
    else {
      seen.multiValue ??= [{ value: seen.value }];
      seen.multiValue.push({ value });
    }
  }
  return out;
}

/**
 * A viewer-request event as CloudFront Functions build one: header names lower-case, the query string
 * and cookies parsed into `{name: {value, multiValue?}}` with their values as sent (not decoded).
 */
export function cloudFrontFunctionEvent(input: {
  uri: string;
  method?: string;
  /** Without the `?`. */
  query?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  requestId?: string;
  ip?: string;
}): FunctionEvent {
  const query = (input.query ?? "")
    .split("&")
    .filter((p) => p !== "")
    .map((p): [string, string] => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
    });
  return {
    version: "1.0",
    context: {
      ...EXAMPLE_DISTRIBUTION,
      eventType: "viewer-request",
      requestId: input.requestId ?? "local-request",
    },
    viewer: { ip: input.ip ?? "127.0.0.1" },
    request: {
      method: input.method ?? "GET",
      uri: input.uri,
      querystring: valueMap(query),
      headers: valueMap(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      cookies: valueMap(Object.entries(input.cookies ?? {})),
    },
  };
}
