import type { SessionKey } from "@static-sso/authz-core";
import { type DemoIdp, startDemoIdp } from "@static-sso/demo-idp";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import { demoEdgeConfig } from "@static-sso/stack";
import { startValidateServer, type ValidateServer } from "@static-sso/validate-api";
import {
  type EdgeMode,
  type FunctionCall,
  fastPathConfig,
  loadSessionCheck,
  newSessionKey,
  type SessionCheckFunction,
} from "./function-target.js";
import { captureLogs, type LogCapture } from "./log-capture.js";
import { edgeTransport, fastTransport, SiteBrowser } from "./site-browser.js";

/** The site's address as the browser uses it (never listened on: the edge handler runs in process). */
export const SITE = "http://localhost:3999";

/**
 * The login flow's target: the embedded IdP (a real oidc-provider with Keycloak's paths), the real
 * validation API on loopback, and the edge handler in process in front of the site. In mode
 * `cloudfront-function` the shipped CloudFront Function (in its sandbox) serves the site's paths and the
 * edge handler, in that mode, `/_auth/*`.
 */
export interface FlowTarget {
  mode: EdgeMode;
  idp: DemoIdp;
  api: ValidateServer;
  edge: EdgeHandler;
  config: Record<string, unknown>;
  logs: LogCapture;
  /** Every Set-Cookie line the edge handler emitted, in any test. */
  setCookies: string[];
  /** cloudfront-function mode: the function, its key, and every call a browser made to it. */
  fast?: { key: SessionKey; fn: SessionCheckFunction; calls: FunctionCall[] };
  browser(): SiteBrowser;
  close(): Promise<void>;
}

export async function startFlowTarget(
  options: {
    accessTokenTtlSeconds?: number;
    edge?: Record<string, unknown>;
    now?: () => number;
    /** Default lambda-edge. */
    mode?: EdgeMode;
  } = {},
): Promise<FlowTarget> {
  const mode = options.mode ?? "lambda-edge";
  const logs = captureLogs();
  const idp = await startDemoIdp({
    port: 0,
    redirectUris: [`${SITE}/_auth/callback`],
    postLogoutRedirectUris: [`${SITE}/`],
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });
  const api = await startValidateServer({ issuer: idp.issuer, audience: idp.clientId, logger: logs.logger });
  const config = {
    ...demoEdgeConfig({
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      validateUrl: api.validateUrl,
    }),
    ...options.edge,
  };
  let fast: FlowTarget["fast"];
  if (mode === "cloudfront-function") {
    const key = newSessionKey();
    Object.assign(config, fastPathConfig(key));
    fast = { key, fn: await loadSessionCheck(key, config), calls: [] };
  }
  const edge = createHandler(config, { logSink: logs.sink, ...(options.now ? { now: options.now } : {}) });
  const setCookies: string[] = [];
  const lambda = edgeTransport(edge, setCookies);
  return {
    mode,
    idp,
    api,
    edge,
    config,
    logs,
    setCookies,
    ...(fast ? { fast } : {}),
    browser: () => new SiteBrowser(SITE, fast ? fastTransport(fast.fn, lambda, fast.calls) : lambda),
    close: async () => {
      await api.close();
      await idp.stop();
    },
  };
}
