import { spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface ChildRun<T> {
  /** What the child wrote to fd 3 (one JSON document), or undefined for a child that writes nothing. */
  result: T | undefined;
  /** From just before spawn to the child's exit, as seen by the parent. */
  wallMs: number;
  /** From just before spawn to the first byte of the result on fd 3 (NaN when none came). */
  resultMs: number;
}

function collect(stream: Readable | null | undefined, onFirst?: () => void): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve("");
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      if (text === "") onFirst?.();
      text += chunk;
    });
    stream.on("end", () => resolve(text));
  });
}

/**
 * What every child gets: no NODE_OPTIONS (the parent may run under tsx or vitest, whose loaders would add to
 * what a child measures), no AWS credentials (nothing may reach AWS), the region Lambda@Edge runs in.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    TZ: "UTC",
    AWS_REGION: "us-east-1",
    ...extra,
  };
}

/**
 * Runs `node <args>` as a fresh process and reads its result from fd 3, so the child's own stdout (the
 * handler's JSON log lines) can go to /dev/null, as cheaply as on Lambda, without mixing with the result.
 * Every child, the bare `node -e 0` baseline included, gets the same stdio, so their wall times compare.
 */
export async function runChild<T>(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildRun<T>> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? childEnv(),
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  const stderr = collect(child.stderr);
  let resultAt: bigint | undefined;
  const out = collect(child.stdio[3] as Readable | null, () => {
    resultAt = process.hrtime.bigint();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c) => resolve(c));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const [text, err] = await Promise.all([out, stderr]);
  if (code !== 0) {
    throw new Error(`child \`node ${args.join(" ")}\` exited with ${code}:\n${err.slice(-4000)}`);
  }
  const resultMs = resultAt === undefined ? Number.NaN : Number(resultAt - started) / 1e6;
  return { result: text.trim() ? (JSON.parse(text) as T) : undefined, wallMs, resultMs };
}
