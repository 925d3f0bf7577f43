/** How long each measure runs. `full` is what `pnpm bench` uses; `tiny` is the smoke test's few-second run. */
export interface Scale {
  name: "full" | "tiny";
  /** Untimed iterations' duration before a warm loop is measured (JIT, caches, connections). */
  warmupMs: number;
  /** How long each warm loop is measured. */
  loopMs: number;
  /** Upper bound on samples per loop, so the sample array stays small. */
  maxIterations: number;
  /** Fresh processes per cold-start figure (the median is reported). */
  coldStartRuns: number;
  /** Distinct tokens for the edge path that calls the validation API on every request. */
  uncachedTokens: number;
  /** Rounds, and each loop's measured time in a round, where two loops are compared (ours vs a baseline). */
  pairRounds: number;
  pairLoopMs: number;
  /** autocannon's run against the validation API over HTTP. */
  httpSeconds: number;
  httpConnections: number;
}

const SCALES: Record<Scale["name"], Scale> = {
  full: {
    name: "full",
    warmupMs: 500,
    loopMs: 3000,
    maxIterations: 200_000,
    coldStartRuns: 9,
    pairRounds: 5,
    pairLoopMs: 1000,
    uncachedTokens: 3000,
    httpSeconds: 5,
    httpConnections: 10,
  },
  tiny: {
    name: "tiny",
    warmupMs: 20,
    loopMs: 60,
    maxIterations: 2_000,
    coldStartRuns: 1,
    pairRounds: 1,
    pairLoopMs: 60,
    uncachedTokens: 40,
    httpSeconds: 1,
    httpConnections: 2,
  },
};

export function scaleFor(name: string | undefined): Scale {
  if (name === undefined || name === "") return SCALES.full;
  if (name === "full" || name === "tiny") return SCALES[name];
  throw new Error(`BENCH_SCALE must be "full" or "tiny", not ${JSON.stringify(name)}`);
}
