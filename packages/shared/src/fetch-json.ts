import { UpstreamError } from "./errors.js";

export interface FetchJsonOptions {
  /** Abort after this many milliseconds. Every remote call has a deadline. */
  timeoutMs: number;
  /** Name of the remote party, for errors and logs ("jwks", "discovery", "validate-api"). */
  upstream: string;
  init?: RequestInit;
  /** Answer bodies larger than this are refused (a hostile or broken upstream). */
  maxBytes?: number;
  fetch?: typeof fetch;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** GET/POST a URL and parse its JSON body, with a deadline; any failure is an UpstreamError. */
export async function fetchJson<T = unknown>(
  url: string,
  options: FetchJsonOptions,
): Promise<JsonResponse<T>> {
  const doFetch = options.fetch ?? fetch;
  const maxBytes = options.maxBytes ?? 1_000_000;
  let res: Response;
  try {
    res = await doFetch(url, { ...options.init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
    throw new UpstreamError(
      options.upstream,
      timedOut ? `no answer within ${options.timeoutMs} ms` : "unreachable",
      { cause },
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch (cause) {
    throw new UpstreamError(options.upstream, "answer cut off", { cause });
  }
  if (text.length > maxBytes)
    throw new UpstreamError(options.upstream, `answer larger than ${maxBytes} bytes`);
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch (cause) {
    throw new UpstreamError(options.upstream, `answered ${res.status} with a body that is not JSON`, {
      cause,
    });
  }
  return { status: res.status, body, headers: res.headers };
}
