import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";

export interface HttpLoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  connections: number;
}

export interface HttpLoadJob {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** Run for this long, or (`amount`) until this many requests have been answered. */
  seconds: number;
  amount?: number;
}

/** autocannon in a child process against `job.url`; fails when any answer is not 2xx. */
export async function measureHttpLoad(job: HttpLoadJob, workDir: string): Promise<HttpLoadResult> {
  const jobFile = join(workDir, "http-load-job.json");
  writeFileSync(jobFile, JSON.stringify(job));
  const { result } = await runChild<HttpLoadResult>([join(CHILDREN_DIR, "http-load-child.mjs"), jobFile]);
  if (!result) throw new Error("the load generator wrote no result");
  if (result.non2xx > 0 || result.errors > 0 || result.requests === 0) {
    throw new Error(
      `load on ${job.url}: ${result.requests} answered, ${result.non2xx} not 2xx, ${result.errors} errors`,
    );
  }
  return result;
}
