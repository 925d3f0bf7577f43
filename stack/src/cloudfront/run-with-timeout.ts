// CloudFront stops waiting for a Lambda@Edge function at its timeout; the promise cannot be cancelled,
// so the function is left to finish (or not) on its own, as a timed-out Lambda container would be.

export class FunctionTimeout extends Error {}

/** The function's result, or a FunctionTimeout once `ms` have passed (the function is left to itself). */
export async function runWithTimeout<T>(run: () => Promise<T> | T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeout(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
