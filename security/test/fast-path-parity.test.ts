// Issue #16: one source for the authorization logic, built for both runtimes. The CloudFront Function
// (the shipped build, in the cloudfront-js-2.0 sandbox) and the Lambda@Edge function in fast-path mode
// must decide every request alike: the same canonical path passed on, the same 400, 403 and 401, and a
// redirect where the other redirects. Arbitrary paths (the fuzz suite's) and every kind of session.
import { createHmac, randomBytes } from "node:crypto";
import { canonicalPath, mintSessionToken } from "@static-sso/authz-core";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import { buildSessionCheck } from "@static-sso/session-check";
import {
  type CloudFrontFunction,
  cloudFrontFunctionEvent,
  demoEdgeConfig,
  loadCloudFrontFunction,
} from "@static-sso/stack";
import { viewerRequestEvent } from "@static-sso/testing";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uriArb } from "../src/arbitraries.js";
import { SITE_HOST, startTokenTarget, type TokenTarget } from "../src/token-target.js";

const RUNS = 5_000;
const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("base64url");
const KEY = { kid: "k1", secret: randomBytes(32).toString("base64url") };
const OTHER = { kid: "k1", secret: randomBytes(32).toString("base64url") };
const now = () => Math.floor(Date.now() / 1000);

let t: TokenTarget;
let fn: CloudFrontFunction;
let edge: EdgeHandler;
const sessions: Record<string, string> = {};
beforeAll(async () => {
  t = await startTokenTarget();
  const rules = demoEdgeConfig({ issuer: "https://x", clientId: "x", validateUrl: "https://x" });
  const site = {
    publicPaths: rules.publicPaths as string[],
    requiredRoles: rules.requiredRoles as Record<string, string[]>,
  };
  const built = await buildSessionCheck(site);
  fn = loadCloudFrontFunction(built.code, {
    kvs: new Map([["session-key-current", `${KEY.kid}:${KEY.secret}`]]),
  });
  edge = createHandler(
    {
      issuer: t.issuer.issuer,
      clientId: "site",
      validateUrl: t.api.validateUrl,
      ...site,
      mode: "cloudfront-function",
      sessionKeys: { current: `${KEY.kid}:${KEY.secret}` },
    },
    { logSink: () => {} },
  );
  const mint = (roles: string[], exp: number, key = KEY, refresh = true) =>
    mintSessionToken({ sub: "u-1", roles, exp, refresh }, key, hmac, exp - 60);
  sessions.none = "";
  sessions.staff = mint(["staff"], now() + 300);
  sessions.plain = mint([], now() + 300);
  sessions.expired = mint(["staff"], now() - 10);
  sessions.expiredNoRefresh = mint(["staff"], now() - 10, KEY, false);
  sessions.otherSecret = mint(["staff"], now() + 300, OTHER);
  sessions.garbage = "v1.k1.e30.AAAA";
});
afterAll(() => t?.close());

type Verdict = string;

/** What the function did, as a verdict both runtimes can give. */
function functionVerdict(uri: string, session: string, navigation: boolean): Verdict {
  const result = fn.run(
    cloudFrontFunctionEvent({
      uri,
      headers: navigation
        ? { "sec-fetch-mode": "navigate", accept: "text/html" }
        : { "sec-fetch-mode": "cors", accept: "application/json" },
      cookies: session ? { "__Host-sso-session": session } : {},
    }),
  );
  if (result.kind === "error") return `error ${result.message}`;
  if (result.kind === "request") return `pass ${result.request.uri}`;
  const status = result.response.statusCode;
  if (status === 302) {
    const location = result.response.headers?.location?.value ?? "";
    return location.startsWith("/_auth/refresh") ? "302 refresh" : "302 login";
  }
  return String(status);
}

async function edgeVerdict(uri: string, session: string, navigation: boolean): Promise<Verdict> {
  const result = await edge(
    viewerRequestEvent({
      host: SITE_HOST,
      uri,
      headers: {
        ...(navigation
          ? { "sec-fetch-mode": "navigate", accept: "text/html" }
          : { "sec-fetch-mode": "cors", accept: "application/json" }),
        ...(session ? { cookie: [`__Host-sso-session=${session}`] } : {}),
      },
    }),
  );
  if (result && "status" in result && result.status) {
    const r = result as CloudFrontResultResponse;
    if (r.status === "302")
      return r.headers?.location?.[0]?.value?.startsWith("/_auth/refresh") ? "302 refresh" : "302 login";
    return r.status;
  }
  return `pass ${(result as CloudFrontRequest).uri}`;
}

describe("the CloudFront Function and Lambda@Edge (fast path) decide alike", () => {
  it(`on arbitrary paths with every kind of session (${RUNS} cases)`, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        uriArb,
        fc.constantFrom(...Object.keys(sessions)),
        fc.boolean(),
        async (uri, which, navigation) => {
          // CloudFront never passes a raw query or fragment in the URI, and sends /_auth/* (matched on
          // the raw path) to the Lambda@Edge behaviour alone: the function never sees those.
          // The edge's own paths spelt otherwise (`/%5F_auth/callback`) do reach the function, which
          // decides them as pages; only the edge function serves them as protocol steps.
          const canonical = canonicalPath(uri);
          fc.pre(!uri.includes("?") && !uri.includes("#") && !uri.startsWith("/_auth/"));
          fc.pre(!(canonical.ok && canonical.path.startsWith("/_auth/")));
          const session = sessions[which] as string;
          const fromFunction = functionVerdict(uri, session, navigation);
          seen.add(fromFunction.split(" ")[0] as string);
          expect(await edgeVerdict(uri, session, navigation), `${uri} with ${which}`).toBe(fromFunction);
        },
      ),
      { numRuns: RUNS },
    );
    // Not vacuous: every kind of answer came up.
    for (const kind of ["pass", "302", "400", "401", "403"]) expect(seen).toContain(kind);
  }, 120_000);
});
