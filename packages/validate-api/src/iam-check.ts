import { timingSafeEqual } from "node:crypto";
import { type AwsCredentials, payloadHash, signRequest } from "@static-sso/shared";

/** The one caller the local IAM check lets through, as API Gateway's IAM authorization would. */
export interface IamCheckOptions {
  credentials: AwsCredentials;
  region: string;
  /** Default `execute-api`. */
  service?: string;
  /** Epoch ms (default Date.now). */
  now?: () => number;
}

/** AWS refuses a signature dated more than this far from its clock, either way. */
export const SIGV4_MAX_SKEW_MS = 5 * 60 * 1000;

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export interface IncomingSigned {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Lower-case names, one value each. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export type IamVerdict = { ok: true } | { ok: false; reason: string };

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function amzDateToMs(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function queryRecord(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

/**
 * Verifies a request's SigV4 signature as API Gateway's IAM authorization does, for the local stack:
 * the key id, scope (region, service), the date window and the session token are checked, then the
 * signature is recomputed with the same signer over the signed headers and the body's own hash (never
 * the hash the caller claims), and compared in constant time. Any doubt is a refusal.
 */
export async function checkSigV4(req: IncomingSigned, options: IamCheckOptions): Promise<IamVerdict> {
  const service = options.service ?? "execute-api";
  const now = (options.now ?? Date.now)();
  const m = AUTH.exec(req.headers.authorization ?? "");
  if (!m) return { ok: false, reason: "not_signed" };
  const [, keyId = "", shortDate = "", region, svc, signedList = "", signature = ""] = m;
  const { credentials } = options;
  if (!sameText(keyId, credentials.accessKeyId)) return { ok: false, reason: "unknown_access_key" };
  if (region !== options.region || svc !== service) return { ok: false, reason: "wrong_scope" };

  const amzDate = req.headers["x-amz-date"] ?? "";
  const signedAt = amzDateToMs(amzDate);
  if (signedAt === undefined || !amzDate.startsWith(shortDate)) return { ok: false, reason: "bad_date" };
  if (Math.abs(now - signedAt) > SIGV4_MAX_SKEW_MS) return { ok: false, reason: "signature_expired" };

  const signed = signedList.split(";");
  if (!signed.includes("host") || !signed.includes("x-amz-date"))
    return { ok: false, reason: "bad_signed_headers" };
  if (credentials.sessionToken !== undefined) {
    const token = req.headers["x-amz-security-token"];
    if (
      !signed.includes("x-amz-security-token") ||
      token === undefined ||
      !sameText(token, credentials.sessionToken)
    )
      return { ok: false, reason: "bad_session_token" };
  }
  const bodyHash = payloadHash(req.body);
  const claimed = req.headers["x-amz-content-sha256"];
  if (claimed !== undefined && claimed !== bodyHash) return { ok: false, reason: "body_hash_mismatch" };

  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = req.headers[name];
    if (value === undefined) return { ok: false, reason: "signed_header_missing" };
    headers[name] = value;
  }
  // The body's own hash: the signer would otherwise trust a claimed one.
  headers["x-amz-content-sha256"] = bodyHash;
  const host = headers.host ?? "";
  const again = await signRequest(
    {
      method: req.method,
      protocol: "http:",
      hostname: host.replace(/:\d+$/, ""),
      path: req.path,
      query: queryRecord(req.query),
      headers,
      body: req.body.toString("utf8"),
    },
    { credentials, region: options.region, service, signingDate: new Date(signedAt) },
  );
  const expected = AUTH.exec(again.authorization ?? "");
  if (!expected) return { ok: false, reason: "not_signed" };
  // Same header list (the signer adds x-amz-content-sha256 if the caller did not sign it) and signature.
  if (expected[5] !== signedList) return { ok: false, reason: "bad_signed_headers" };
  if (!sameText(expected[6] ?? "", signature)) return { ok: false, reason: "signature_mismatch" };
  return { ok: true };
}
