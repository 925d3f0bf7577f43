import type { LoopResult } from "./measure-loop.mjs";

export interface InterleavedOptions {
  /** Untimed steps' duration before the rounds (JIT, caches), both sides in the same turns. */
  warmupMs: number;
  rounds: number;
  /** Each round's duration, both sides' calls together. */
  roundMs: number;
  /** Upper bound on steps per round, so the sample arrays stay small. */
  maxIterations: number;
}

/** `a` and `b` called turn about (AB, BA, ...), each call timed; each round's two loops. */
export function measureInterleaved(
  a: (index: number) => unknown,
  b: (index: number) => unknown,
  options: InterleavedOptions,
): Promise<Array<{ a: LoopResult; b: LoopResult }>>;
