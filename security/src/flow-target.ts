import { type DemoIdp, startDemoIdp } from "@static-sso/demo-idp";
import { createHandler, type EdgeHandler } from "@static-sso/edge-auth";
import { demoEdgeConfig } from "@static-sso/stack";
import { startValidateServer, type ValidateServer } from "@static-sso/validate-api";
import { captureLogs, type LogCapture } from "./log-capture.js";
import { edgeTransport, SiteBrowser } from "./site-browser.js";

/** The site's address as the browser uses it (never listened on: the edge handler runs in process). */
export const SITE = "http://localhost:3999";

/**
 * The login flow's target: the embedded IdP (a real oidc-provider with Keycloak's paths), the real
 * validation API on loopback, and the edge handler in process in front of the site.
 */
export interface FlowTarget {
  idp: DemoIdp;
  api: ValidateServer;
  edge: EdgeHandler;
  config: Record<string, unknown>;
  logs: LogCapture;
  /** Every Set-Cookie line the edge handler emitted, in any test. */
  setCookies: string[];
  browser(): SiteBrowser;
  close(): Promise<void>;
}

export async function startFlowTarget(
  options: { accessTokenTtlSeconds?: number; edge?: Record<string, unknown>; now?: () => number } = {},
): Promise<FlowTarget> {
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
  const edge = createHandler(config, { logSink: logs.sink, ...(options.now ? { now: options.now } : {}) });
  const setCookies: string[] = [];
  return {
    idp,
    api,
    edge,
    config,
    logs,
    setCookies,
    browser: () => new SiteBrowser(SITE, edgeTransport(edge, setCookies)),
    close: async () => {
      await api.close();
      await idp.stop();
    },
  };
}
