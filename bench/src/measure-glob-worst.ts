import { compileRules, globMatch, needsOf } from "@static-sso/authz-core";
import { median } from "./median.js";

export interface GlobWorstResult {
  pathBytes: number;
  glob: string;
  /** One match of the many-star glob against the crafted path, median and slowest of the runs, in µs. */
  matchP50Us: number;
  matchMaxUs: number;
  /** The whole rule lookup (needsOf over a config with that rule and the demo's), median, in µs. */
  needsP50Us: number;
  runs: number;
}

/**
 * The glob matcher's worst case (issue #18): a 16 KB path of many segments that almost match a
 * many-star rule, so every `*` is retried; a backtracking RegExp takes minutes on it.
 */
export function measureGlobWorst(runs = 200): GlobWorstResult {
  const glob = "/assets/*/*/*/*/*/*/*/*.js";
  const path = `/assets/${"a/".repeat(8 * 1024 - 5)}b`;
  const rules = compileRules({
    publicPaths: ["/public/*"],
    requiredRoles: { "/staff/*": ["staff"], [glob]: ["staff"] },
    indexDocument: "index.html",
  });
  const time = (work: () => unknown) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      work();
      out.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    return out;
  };
  const match = time(() => globMatch(glob, path));
  const needs = time(() => needsOf(path, rules));
  return {
    pathBytes: path.length,
    glob,
    matchP50Us: median(match),
    matchMaxUs: Math.max(...match),
    needsP50Us: median(needs),
    runs,
  };
}
