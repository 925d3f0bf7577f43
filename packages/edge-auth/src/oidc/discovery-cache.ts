import { type DiscoveryDocument, fetchDiscovery } from "@static-sso/shared";

export interface DiscoveryCache {
  /** The IdP's endpoints; fetched once per container. Throws UpstreamError while the IdP cannot say. */
  get(timeoutMs: number): Promise<DiscoveryDocument>;
}

/**
 * The discovery document, fetched once per container and kept. A failure is not kept: the next request
 * after `retryAfterMs` tries again (requests in between fail fast), so a down IdP cannot pin a container.
 */
export function createDiscoveryCache(
  issuer: string,
  options: { fetch?: typeof fetch; now?: () => number; retryAfterMs?: number } = {},
): DiscoveryCache {
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 2000;
  let doc: DiscoveryDocument | undefined;
  let pending: Promise<DiscoveryDocument> | undefined;
  let failure: { at: number; error: unknown } | undefined;
  return {
    async get(timeoutMs) {
      if (doc) return doc;
      if (failure && now() - failure.at < retryAfterMs) throw failure.error;
      pending ??= fetchDiscovery(issuer, { timeoutMs, fetch: options.fetch })
        .then((d) => {
          doc = d;
          failure = undefined;
          return d;
        })
        .catch((error: unknown) => {
          failure = { at: now(), error };
          throw error;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}
