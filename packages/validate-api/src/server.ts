import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createHandler } from "./handler.js";
import { checkSigV4, type IamCheckOptions } from "./iam-check.js";
import { splitTarget } from "./split-target.js";
import type { ValidatorOptions } from "./validator.js";

export interface ValidateServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url` + `/validate` */
  validateUrl: string;
  close(): Promise<void>;
}

/** Lambda's synchronous invocation payload limit; API Gateway would refuse larger bodies too. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Big enough that a 1 MB bearer token reaches the handler and gets the contract's answer. */
const MAX_HEADER_BYTES = 2 * 1024 * 1024;

/**
 * Serves the Lambda handler over plain HTTP for the local stack and for tests: each request becomes an
 * API Gateway payload 2.0 event and goes through the same createHandler, so there is one implementation
 * of the routes.
 */
export async function startValidateServer(
  options: ValidatorOptions & {
    port?: number;
    host?: string;
    /**
     * Only callers signing with these credentials get through (SigV4, `execute-api`), as with API
     * Gateway's IAM authorization on every route: others get its 403 `{"message":"Forbidden"}`.
     */
    iam?: IamCheckOptions;
  },
): Promise<ValidateServer> {
  const { port = 0, host = "127.0.0.1", iam, ...validatorOptions } = options;
  const handler = createHandler(validatorOptions);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    readBody(req)
      .then(async (body) => {
        if (body === undefined) {
          // Over Lambda's payload limit: API Gateway answers this itself, with its own body, before any
          // function runs; so does this server (the handler never sees the request).
          res
            .writeHead(413, { "content-type": "application/json" })
            .end('{"message":"Request Entity Too Large"}');
          return;
        }
        if (iam) {
          const { path, query } = splitTarget(req.url ?? "/");
          const verdict = await checkSigV4(
            { method: req.method ?? "GET", path, query, headers: firstValues(req), body },
            iam,
          );
          if (!verdict.ok) {
            validatorOptions.logger?.warn("iam refused", { reason: verdict.reason, path });
            res.writeHead(403, { "content-type": "application/json" }).end('{"message":"Forbidden"}');
            return;
          }
        }
        const result = await handler(toEvent(req, body));
        const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
        if (result.cookies?.length) headers["set-cookie"] = result.cookies;
        res.writeHead(result.statusCode ?? 200, headers);
        res.end(result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : (result.body ?? ""));
      })
      .catch(() => {
        // The handler catches its own failures and building the event cannot throw: this is a broken
        // connection (or a bug here).
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end('{"message":"Internal Server Error"}');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${actualPort}`;
  return {
    url,
    validateUrl: `${url}/validate`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** One value per header (a repeated one joined with commas), for the signature check. */
function firstValues(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) out[name] = values?.join(",");
  return out;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "127.0.0.1") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/** Reads the whole body; `undefined` when it is over the limit (answered 413, as API Gateway would). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** API Gateway's requestContext.time format: `12/Mar/2020:19:03:58 +0000`. */
function apiGatewayTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

/** The event API Gateway (HTTP API, payload format 2.0) would send for this request. */
function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const { path, query: rawQuery } = splitTarget(req.url ?? "/");
  const headers: Record<string, string> = {};
  // Payload 2.0: names lower-cased (Node already does), every value of a repeated header joined with
  // commas (req.headers would keep only the first Authorization, Host, ...), cookies apart.
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined) continue;
    if (name === "cookie") {
      cookies = values.flatMap((line) => line.split(";").map((c) => c.trim())).filter(Boolean);
      continue;
    }
    headers[name] = values.join(",");
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const hasBody = body.length > 0;
  const isText = TEXT_TYPES.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: rawQuery,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(rawQuery ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method: req.method ?? "GET",
        path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: isText ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}
