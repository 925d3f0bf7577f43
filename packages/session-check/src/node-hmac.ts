import { createHmac } from "node:crypto";
import type { HmacSha256 } from "@static-sso/authz-core";

/** The session token's HMAC under Node (the edge mints with it; the function uses the runtime's own). */
export const nodeHmacSha256: HmacSha256 = (secret, data) =>
  createHmac("sha256", secret).update(data).digest("base64url");
