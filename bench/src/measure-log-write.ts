import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ViewerRequestEvent } from "@static-sso/testing";
import type { LoopOptions, LoopResult } from "./children/measure-loop.mjs";
import { lambdaNodeFlags } from "./lambda-node-flags.js";
import { CHILDREN_DIR } from "./paths.js";
import { runChild } from "./run-child.js";

export interface LogWriteRun {
  /** Building and writing one line of the handler's `request` log line's shape, per call. */
  loop: LoopResult;
  /** The handler's real line the loop copies (a cache hit's; its requestId is call 1's), newline included. */
  line: string;
  maxRssMb: number;
}

/**
 * The handler's one JSON log line per request alone, in a fresh child with a 128 MB Lambda's heap flags
 * and stdout to /dev/null, as our warm child: the line is captured from the shipped bundle answering
 * `event` (the cached session), then built with JSON.stringify and written with process.stdout.write on
 * each call of the same loop.
 */
export async function measureLogWrite(
  bundleDir: string,
  event: ViewerRequestEvent,
  loop: LoopOptions,
  workDir: string,
): Promise<LogWriteRun> {
  const jobFile = join(workDir, "log-write-job.json");
  writeFileSync(jobFile, JSON.stringify({ bundleDir, event, loop }));
  const { result } = await runChild<LogWriteRun>([
    ...lambdaNodeFlags(),
    join(CHILDREN_DIR, "log-write-child.mjs"),
    jobFile,
  ]);
  if (!result) throw new Error("the log-write child wrote no result");
  return result;
}
