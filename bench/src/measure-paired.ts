import type { LoopResult } from "./children/measure-loop.mjs";
import { median } from "./median.js";

export interface PairedResult {
  /** The two loops of the round whose ratio is the median one. */
  ours: LoopResult;
  baseline: LoopResult;
  /** ours.perSecond / baseline.perSecond, per round. */
  ratios: number[];
  /** The median of `ratios`. */
  ratio: number;
}

/**
 * A ratio that holds on a busy machine: the two loops take turns for several short rounds (ABBA order, so
 * a slow drift favours neither side) and the ratio is the median of the rounds' ratios.
 */
export async function measurePaired(
  ours: () => Promise<LoopResult>,
  baseline: () => Promise<LoopResult>,
  rounds: number,
): Promise<PairedResult> {
  const pairs: Array<{ ours: LoopResult; baseline: LoopResult; ratio: number }> = [];
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
    pairs.push({ ours: a, baseline: b, ratio: a.perSecond / b.perSecond });
  }
  const ratios = pairs.map((p) => p.ratio);
  const mid = median(ratios);
  const chosen = pairs.reduce((best, p) => (Math.abs(p.ratio - mid) < Math.abs(best.ratio - mid) ? p : best));
  return { ours: chosen.ours, baseline: chosen.baseline, ratios, ratio: mid };
}
