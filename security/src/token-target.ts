import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import {
  createTestKey,
  type FakeIssuer,
  FETCH_HEADERS,
  PAGE_LOAD_HEADERS,
  signToken,
  startFakeIssuer,
  type TestKey,
  viewerRequestEvent,
} from "@static-sso/testing";
import { startValidateServer, type ValidateServer } from "@static-sso/validate-api";
import type { CloudFrontRequestResult, CloudFrontResultResponse } from "aws-lambda";
import type { JWTPayload } from "jose";
import { captureLogs, type LogCapture } from "./log-capture.js";

export const CLIENT_ID = "site";
export const SITE_HOST = "site.example.com";
export const ACCESS_COOKIE = "__Host-sso-at";

/** What the validation API answered over HTTP. */
export interface ApiAnswer {
  status: number;
  body: { valid?: boolean; error?: string; claims?: Record<string, unknown> };
}

/** What the target needs of its issuer: where it is, and how to stop it. */
export interface TargetIssuer {
  issuer: string;
  close(): Promise<void>;
}

/**
 * The target of the token attacks: an issuer publishing one real RSA key (fake issuer on loopback), the
 * real validation API over HTTP on loopback, and the edge handler in process with that API behind it.
 */
export interface TokenTarget<I extends TargetIssuer = FakeIssuer> {
  issuer: I;
  key: TestKey;
  api: ValidateServer;
  edge: EdgeHandler;
  logs: LogCapture;
  /** Claims the issuer would put in a good access token for alice. */
  claims(extra?: JWTPayload): JWTPayload;
  /** A token the issuer really signed. */
  sign(extra?: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** POST /validate with `Authorization: Bearer <token>`. */
  askApi(token: string): Promise<ApiAnswer>;
  /** A request for /docs/ with the token as the session cookie, as a page load or as fetch(). */
  askEdge(token: string, mode: "navigation" | "fetch", uri?: string): Promise<CloudFrontRequestResult>;
  close(): Promise<void>;
}

export function startTokenTarget(): Promise<TokenTarget>;
/** With another issuer for the key (fast-issuer.ts: one whose token endpoint answers what a test chooses). */
export function startTokenTarget<I extends TargetIssuer>(options: {
  issuer: (key: TestKey) => Promise<I>;
}): Promise<TokenTarget<I>>;
export async function startTokenTarget(
  options: { issuer?: (key: TestKey) => Promise<TargetIssuer> } = {},
): Promise<TokenTarget<TargetIssuer>> {
  const key = await createTestKey("RS256");
  const issuer = options.issuer ? await options.issuer(key) : await startFakeIssuer([key.publicJwk]);
  const logs = captureLogs();
  const api = await startValidateServer({
    issuer: issuer.issuer,
    audience: CLIENT_ID,
    logger: logs.logger,
    // Short cool-down so that a "kid pointing nowhere" costs at most one JWKS fetch here, too.
    jwks: { cooldownMs: 30_000 },
  });
  const edge = createHandler(
    {
      issuer: issuer.issuer,
      clientId: CLIENT_ID,
      clientSecret: "edge-client-secret-value",
      validateUrl: api.validateUrl,
      publicPaths: ["/public/*"],
      requiredRoles: { "/staff/*": ["staff"] },
    },
    { logSink: logs.sink },
  );
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: issuer.issuer,
    aud: CLIENT_ID,
    azp: CLIENT_ID,
    typ: "Bearer",
    sub: "alice-id",
    preferred_username: "alice",
    realm_access: { roles: ["staff"] },
    ...extra,
  });
  return {
    issuer,
    key,
    api,
    edge,
    logs,
    claims,
    sign: (extra = {}, header = {}) => signToken(key, claims(extra), { header }),
    async askApi(token) {
      const res = await fetch(api.validateUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as ApiAnswer["body"] };
    },
    askEdge: (token, mode, uri = "/docs/") =>
      edge(
        viewerRequestEvent({
          host: SITE_HOST,
          uri,
          headers: {
            ...(mode === "navigation" ? PAGE_LOAD_HEADERS : FETCH_HEADERS),
            cookie: [`${ACCESS_COOKIE}=${token}`],
          },
        }),
      ),
    close: async () => {
      await api.close();
      await issuer.close();
    },
  };
}

/** The result as a generated response, or undefined when the request went on to the origin. */
export function generated(result: CloudFrontRequestResult): CloudFrontResultResponse | undefined {
  return result && "status" in result && result.status ? (result as CloudFrontResultResponse) : undefined;
}

export function header(res: CloudFrontResultResponse | undefined, name: string): string | undefined {
  return res?.headers?.[name]?.[0]?.value;
}
