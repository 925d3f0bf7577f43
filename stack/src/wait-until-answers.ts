import { StackError } from "./stack-error.js";

/**
 * Polls `url` until it answers with `status` (any status when absent), or fails after `timeoutMs`
 * naming what did not come up. Each poll has its own short deadline, so a hung server cannot stall it.
 */
export async function waitUntilAnswers(
  what: string,
  url: string,
  options: { status?: number; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = "no answer";
  for (;;) {
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (options.status === undefined || res.status === options.status) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new StackError("not_ready", `${what} at ${url} did not answer in time (${last})`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}
