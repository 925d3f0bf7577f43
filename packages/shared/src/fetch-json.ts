import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { UpstreamError } from "./errors.js";

export interface FetchJsonOptions {
  /** Abort after this many milliseconds: connect, headers and body together. Every remote call has one. */
  timeoutMs: number;
  /** Name of the remote party, for errors and logs ("jwks", "discovery", "validate-api"). */
  upstream: string;
  /** method, headers (a plain object, a Headers or pairs) and a string or URLSearchParams body. */
  init?: RequestInit;
  /** Answer bodies larger than this many bytes are refused (a hostile or broken upstream). */
  maxBytes?: number;
  /** Use this fetch instead of node:http(s) (tests that count or reroute calls). */
  fetch?: typeof fetch;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const DEFAULT_MAX_BYTES = 1_000_000;

// Written on node:http/node:https instead of the global fetch: in a fresh process the first fetch() loads
// and compiles undici, which measured ~150-200 ms on loopback against ~75 ms for node:http (bench/), and
// undici's buffers and pools stay in a 128 MB Lambda@Edge container's memory. The edge and the validation
// API make a handful of small JSON calls, so the few lines below are all they need.
// Keep-alive agents: the container reuses its connection to the validation API / the IdP between requests.
const httpAgent = new HttpAgent({ keepAlive: true, timeout: 30_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, timeout: 30_000 });

/** GET/POST a URL and parse its JSON body, with a deadline; any failure is an UpstreamError. */
export async function fetchJson<T = unknown>(
  url: string,
  options: FetchJsonOptions,
): Promise<JsonResponse<T>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = options.fetch
    ? await viaFetch(options.fetch, url, options, maxBytes)
    : await viaNodeHttp(url, options, maxBytes);
  let body: T;
  try {
    body = JSON.parse(raw.text) as T;
  } catch (cause) {
    throw new UpstreamError(options.upstream, `answered ${raw.status} with a body that is not JSON`, {
      cause,
    });
  }
  return {
    status: raw.status,
    body,
    get headers() {
      return raw.headers();
    },
  };
}

interface RawAnswer {
  status: number;
  text: string;
  /** Built on first use only: `Headers` is undici's, and nothing on the hot path needs it. */
  headers(): Headers;
}

function timeoutError(options: FetchJsonOptions, cause?: unknown): UpstreamError {
  return new UpstreamError(options.upstream, `no answer within ${options.timeoutMs} ms`, { cause });
}

async function viaFetch(
  doFetch: typeof fetch,
  url: string,
  options: FetchJsonOptions,
  maxBytes: number,
): Promise<RawAnswer> {
  let res: Response;
  try {
    res = await doFetch(url, { ...options.init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
    if (timedOut) throw timeoutError(options, cause);
    throw new UpstreamError(options.upstream, "unreachable", { cause });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (cause) {
    throw new UpstreamError(options.upstream, "answer cut off", { cause });
  }
  if (Buffer.byteLength(text, "utf8") > maxBytes)
    throw new UpstreamError(options.upstream, `answer larger than ${maxBytes} bytes`);
  return { status: res.status, text, headers: () => res.headers };
}

/** Request headers from RequestInit's three shapes, without constructing a `Headers`. */
function plainHeaders(init: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  if (Array.isArray(init)) {
    for (const [name, value] of init) if (name !== undefined && value !== undefined) out[name] = value;
  } else if (typeof (init as Headers).forEach === "function") {
    (init as Headers).forEach((value, name) => {
      out[name] = value;
    });
  } else {
    for (const [name, value] of Object.entries(init as Record<string, string>)) out[name] = value;
  }
  return out;
}

function requestBody(body: RequestInit["body"]): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError("fetchJson sends string or URLSearchParams bodies only");
}

function viaNodeHttp(url: string, options: FetchJsonOptions, maxBytes: number): Promise<RawAnswer> {
  const target = new URL(url);
  const https = target.protocol === "https:";
  if (!https && target.protocol !== "http:")
    return Promise.reject(new UpstreamError(options.upstream, `cannot fetch ${target.protocol} URLs`));
  const headers = plainHeaders(options.init?.headers);
  const body = requestBody(options.init?.body);
  if (body !== undefined) {
    headers["content-length"] = String(Buffer.byteLength(body));
    if (
      !Object.keys(headers).some((h) => h.toLowerCase() === "content-type") &&
      options.init?.body instanceof URLSearchParams
    )
      headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
  }
  const method = options.init?.method ?? "GET";

  return new Promise<RawAnswer>((resolve, reject) => {
    let settled = false;
    let current: ReturnType<typeof httpRequest> | undefined;
    const finish = (error: UpstreamError | undefined, answer?: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        current?.destroy();
        reject(error);
      } else resolve(answer as RawAnswer);
    };
    // One deadline for everything: connecting, the headers and the whole body.
    const timer = setTimeout(() => finish(timeoutError(options)), options.timeoutMs);

    const send = (attempt: number) => {
      const req = (https ? httpsRequest : httpRequest)(target, {
        method,
        headers,
        agent: https ? httpsAgent : httpAgent,
      });
      current = req;
      req.on("error", (cause: NodeJS.ErrnoException) => {
        if (settled) return;
        // A kept-alive socket the server closed while idle: one fresh try, as Node's docs advise.
        if (attempt === 0 && req.reusedSocket && cause.code === "ECONNRESET") return send(1);
        finish(new UpstreamError(options.upstream, "unreachable", { cause }));
      });
      req.on("response", (res: IncomingMessage) => readAnswer(res, options.upstream, maxBytes, finish));
      req.end(body);
    };
    send(0);
  });
}

/** The whole body, up to `maxBytes` (by Content-Length at once, else as it streams in). */
function readAnswer(
  res: IncomingMessage,
  upstream: FetchJsonOptions["upstream"],
  maxBytes: number,
  finish: (error: UpstreamError | undefined, answer?: RawAnswer) => void,
): void {
  const tooLarge = () => new UpstreamError(upstream, `answer larger than ${maxBytes} bytes`);
  if (Number(res.headers["content-length"]) > maxBytes) {
    finish(tooLarge());
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) finish(tooLarge());
    else chunks.push(chunk);
  });
  res.on("error", (cause) => finish(new UpstreamError(upstream, "answer cut off", { cause })));
  res.on("close", () => {
    if (!res.complete) finish(new UpstreamError(upstream, "answer cut off"));
  });
  res.on("end", () => {
    const text = Buffer.concat(chunks, size).toString("utf8");
    finish(undefined, { status: res.statusCode ?? 0, text, headers: () => toHeaders(res.headers) });
  });
}

function toHeaders(source: IncomingMessage["headers"]): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(source)) {
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else if (value !== undefined) out.set(name, value);
  }
  return out;
}
