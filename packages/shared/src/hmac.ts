import { createHmac } from "node:crypto";

/**
 * HMAC-SHA256 as base64url: the fast path's session token under Node (the edge mints and checks with it,
 * tests and the bench forge with it; the CloudFront Function uses its runtime's crypto module instead).
 * Shaped as authz-core's `HmacSha256`, which is injected because authz-core has no Node built-ins.
 */
export const hmacSha256 = (secret: string, data: string): string =>
  createHmac("sha256", secret).update(data).digest("base64url");
