import type { EdgeConfig } from "./config.js";

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * The site's origin as the browser sees it: `siteOrigin` from the config, else `https://<host>`.
 * CloudFront viewers always reach the function over HTTPS in production; the local stack serves plain
 * http on localhost, so a loopback host gets `http://`.
 */
export function siteOriginOf(host: string, config: Pick<EdgeConfig, "siteOrigin">): string {
  if (config.siteOrigin) return config.siteOrigin;
  return `${LOOPBACK_HOST.test(host) ? "http" : "https"}://${host}`;
}
