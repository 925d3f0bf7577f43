import { createHmac, createPublicKey } from "node:crypto";
import {
  createTestKey,
  type FakeIssuer,
  signToken,
  startFakeIssuer,
  type TestKey,
} from "@static-sso/testing";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { JWTPayload } from "jose";

export const AUDIENCE = "demo-client";
/** A fixed "now" (ms) for every test: time is injected, never waited for. */
export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NOW_S = Math.floor(NOW_MS / 1000);

export interface Keys {
  rs: TestKey;
  ps: TestKey;
  es: TestKey;
}

export async function createKeys(): Promise<Keys> {
  const [rs, ps, es] = await Promise.all([
    createTestKey("RS256"),
    createTestKey("PS256"),
    createTestKey("ES256"),
  ]);
  return { rs, ps, es };
}

export async function startIssuerWith(keys: TestKey[]): Promise<FakeIssuer> {
  return startFakeIssuer(keys.map((k) => k.publicJwk));
}

/** A token as the issuer would sign it at NOW, with good claims unless overridden. */
export function goodToken(
  key: TestKey,
  issuer: string,
  claims: JWTPayload = {},
  options: Parameters<typeof signToken>[2] = {},
): Promise<string> {
  return signToken(key, { iss: issuer, aud: AUDIENCE, sub: "alice", ...claims }, { now: NOW_S, ...options });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** `alg: none`: a header, the claims and an empty signature. */
export function unsignedToken(issuer: string): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ iss: issuer, aud: AUDIENCE, sub: "alice", iat: NOW_S, exp: NOW_S + 300 })}.`;
}

/** The alg-confusion attack: HS256 with the RSA public key (PEM, as published) used as the HMAC secret. */
export function hs256WithPublicKey(key: TestKey, issuer: string): string {
  const pem = createPublicKey({ key: key.publicJwk as never, format: "jwk" }).export({
    type: "spki",
    format: "pem",
  });
  const input = `${b64url({ alg: "HS256", typ: "JWT", kid: key.kid })}.${b64url({ iss: issuer, aud: AUDIENCE, sub: "alice", iat: NOW_S, exp: NOW_S + 300 })}`;
  return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
}

/** The same token with its payload replaced (signature left as it was). */
export function withChangedPayload(token: string, change: JWTPayload): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const payload = { ...JSON.parse(Buffer.from(p, "base64url").toString()), ...change };
  return `${h}.${b64url(payload)}.${s}`;
}

export function oneMegabyteToken(): string {
  return `${b64url({ alg: "RS256", typ: "JWT" })}.${"A".repeat(1024 * 1024)}.sig`;
}

/**
 * After `Bearer `: a megabyte of spaces, then two words. The shape that made a backtracking Bearer pattern
 * quadratic (100 KB of it held the event loop for seconds).
 */
export function pathologicalBearer(): string {
  return `${" ".repeat(1024 * 1024)}a b`;
}

let counter = 0;

/** An API Gateway HTTP API payload 2.0 event, as AWS sends it (`$default` stage, explicit route). */
export function apiEvent(
  init: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  } = {},
): APIGatewayProxyEventV2 {
  const method = init.method ?? "POST";
  const path = init.path ?? "/validate";
  counter++;
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: {
      "content-length": String(init.body?.length ?? 0),
      "content-type": "application/json",
      host: "abc123.execute-api.eu-west-1.amazonaws.com",
      "user-agent": "edge-auth",
      "x-amzn-trace-id": "Root=1-67890abc-0123456789abcdef01234567",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...init.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "edge-auth" },
      requestId: `req-${counter}`,
      routeKey: `${method} ${path}`,
      stage: "$default",
      time: "15/Jan/2026:12:00:00 +0000",
      timeEpoch: NOW_MS,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: init.isBase64Encoded ?? false,
  };
}

/** Collects the JSON log lines a logger writes. */
export function logLines(): {
  sink: (line: string) => void;
  lines: string[];
  parsed(): Record<string, unknown>[];
} {
  const lines: string[] = [];
  return { sink: (line) => lines.push(line), lines, parsed: () => lines.map((l) => JSON.parse(l)) };
}
