import type { LoopResult } from "./children/measure-loop.mjs";
import { median } from "./median.js";

export interface PairedResult {
  /** The two loops of the round whose p50 ratio is the median one. */
  ours: LoopResult;
  baseline: LoopResult;
  /** Every round's two loops, in order, and the index of the median one (whose loops are above). */
  rounds: Array<{ ours: LoopResult; baseline: LoopResult }>;
  medianRound: number;
  /** baseline.p50Ms / ours.p50Ms per round, and their median: how many times faster the median call is. */
  p50Ratios: number[];
  p50Ratio: number;
  /** ours.perSecond / baseline.perSecond per round, and their median. */
  throughputRatios: number[];
  throughputRatio: number;
}

/**
 * A ratio that holds on a busy machine: the two loops take turns for several short rounds (ABBA order, so
 * a slow drift favours neither side), and the ratios are the medians of the rounds'. Both the p50 ratio
 * and the requests/s ratio are kept: when other processes preempt the loop, the mean (so requests/s)
 * swings with them, while the median call barely moves, so the p50 ratio is the one targets are held to.
 */
export async function measurePaired(
  ours: () => Promise<LoopResult>,
  baseline: () => Promise<LoopResult>,
  rounds: number,
): Promise<PairedResult> {
  const pairs: Array<{ ours: LoopResult; baseline: LoopResult; p50: number; throughput: number }> = [];
  for (let i = 0; i < rounds; i++) {
    let a: LoopResult;
    let b: LoopResult;
    if (i % 2 === 0) {
      a = await ours();
      b = await baseline();
    } else {
      b = await baseline();
      a = await ours();
    }
    pairs.push({ ours: a, baseline: b, p50: b.p50Ms / a.p50Ms, throughput: a.perSecond / b.perSecond });
  }
  const p50Ratios = pairs.map((p) => p.p50);
  const p50Ratio = median(p50Ratios);
  const medianRound = pairs.reduce(
    (best, p, i) => (Math.abs(p.p50 - p50Ratio) < Math.abs((pairs[best]?.p50 ?? 0) - p50Ratio) ? i : best),
    0,
  );
  const chosen = pairs[medianRound];
  if (!chosen) throw new Error("measurePaired needs at least one round");
  const throughputRatios = pairs.map((p) => p.throughput);
  return {
    ours: chosen.ours,
    baseline: chosen.baseline,
    rounds: pairs.map((p) => ({ ours: p.ours, baseline: p.baseline })),
    medianRound,
    p50Ratios,
    p50Ratio,
    throughputRatios,
    throughputRatio: median(throughputRatios),
  };
}
