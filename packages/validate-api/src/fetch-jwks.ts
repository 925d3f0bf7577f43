// The HTTP side of the keys: one JWKS or discovery fetch, bounded in size and by the refresh's deadline.
// No caching and no bookkeeping here (see key-refresher.ts).
import { type Deadline, fetchDiscovery, fetchJson, UpstreamError } from "@static-sso/shared";
import type { JSONWebKeySet } from "jose";

/** Far above any real JWKS (a few KB), far below what would hurt a 128 MB container. */
export const MAX_JWKS_BYTES = 256 * 1024;

export interface FetchKeysOptions {
  /** The refresh's deadline, and its whole budget (named in the error when none is left). */
  deadline: Deadline;
  budgetMs: number;
  fetch?: typeof fetch;
}

/** Milliseconds left on the deadline for one call to `upstream`; throws when none are. */
function timeLeft(upstream: string, { deadline, budgetMs }: FetchKeysOptions): number {
  const ms = Math.ceil(deadline.remaining(budgetMs));
  if (ms <= 0) throw new UpstreamError(upstream, `no time left within ${budgetMs} ms`);
  return ms;
}

/** The document at `uri`, unchecked (createLocalJWKSet checks its shape); throws UpstreamError. */
export async function fetchJwks(uri: string, options: FetchKeysOptions): Promise<JSONWebKeySet> {
  const { status, body } = await fetchJson<JSONWebKeySet>(uri, {
    upstream: "jwks",
    timeoutMs: timeLeft("jwks", options),
    maxBytes: MAX_JWKS_BYTES,
    fetch: options.fetch,
  });
  if (status !== 200) throw new UpstreamError("jwks", `answered ${status}`);
  return body;
}

/** The `jwks_uri` of the issuer's discovery document; throws UpstreamError. */
export async function fetchJwksUri(issuer: string, options: FetchKeysOptions): Promise<string> {
  const doc = await fetchDiscovery(issuer, {
    timeoutMs: timeLeft("discovery", options),
    fetch: options.fetch,
  });
  return doc.jwks_uri;
}
