import type { BenchResults } from "./bench-results.js";

/**
 * AWS list prices (us-east-1, USD) the cost table uses, each with the page it comes from. Prices change:
 * the table prints them beside the figures, so a reader can redo the sum with today's.
 */
export const PRICES = {
  lambdaEdgeRequest: {
    usd: 0.6 / 1e6,
    source: "https://aws.amazon.com/lambda/pricing/ (Lambda@Edge: $0.60 per 1M requests)",
  },
  lambdaEdgeGbSecond: {
    usd: 0.00005001,
    source:
      "https://aws.amazon.com/lambda/pricing/ (Lambda@Edge: $0.00005001 per GB-second, billed per 1 ms)",
  },
  cloudFrontFunction: {
    usd: 0.1 / 1e6,
    source: "https://aws.amazon.com/cloudfront/pricing/ (CloudFront Functions: $0.10 per 1M invocations)",
  },
  kvsRead: {
    usd: 0.03 / 1e6,
    source: "https://aws.amazon.com/cloudfront/pricing/ (CloudFront KeyValueStore: $0.03 per 1M reads)",
  },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    source: "https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs: $1.00 per 1M requests, first 300M)",
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    source: "https://aws.amazon.com/lambda/pricing/ (Lambda: $0.20 per 1M requests)",
  },
} as const;

/** Lambda@Edge viewer functions have 128 MB; duration is billed per started millisecond. */
const EDGE_GB = 128 / 1024;

export interface CostAssumptions {
  /** Page views per login or refresh (a 5-minute access token and a page every 15 s: 20). */
  pageViewsPerRefresh: number;
  /** Billed ms of a Lambda@Edge call that only checks a cached session, and of a login/refresh step. */
  cachedCallMs: number;
  authCallMs: number;
  /** Share of page views whose token the warm container has not validated yet (a validation API call). */
  uncachedShare: number;
}

export function costPerMillionPageViews(r: BenchResults, a: Partial<CostAssumptions> = {}) {
  const billed = (ms: number) => Math.max(1, Math.ceil(ms));
  const assume: CostAssumptions = {
    pageViewsPerRefresh: 20,
    cachedCallMs: billed(r.edgeWarm.cached.p50Ms),
    authCallMs: billed(r.edgeWarm.validateApi.p50Ms) + 50,
    uncachedShare: 0.05,
    ...a,
  };
  const views = 1e6;
  const edgeCall = (ms: number) =>
    PRICES.lambdaEdgeRequest.usd + (ms / 1000) * EDGE_GB * PRICES.lambdaEdgeGbSecond.usd;
  const refreshes = views / assume.pageViewsPerRefresh;
  // Each login or refresh asks the validation API once (API Gateway + its Lambda's request charge).
  const validation = PRICES.httpApiRequest.usd + PRICES.lambdaRequest.usd;
  const lambdaEdge =
    views * edgeCall(assume.cachedCallMs) +
    refreshes * (edgeCall(assume.authCallMs) - edgeCall(assume.cachedCallMs)) +
    views * assume.uncachedShare * validation;
  const fastPath =
    views * (PRICES.cloudFrontFunction.usd + PRICES.kvsRead.usd) +
    refreshes * (edgeCall(assume.authCallMs) + validation + PRICES.cloudFrontFunction.usd);
  return { assume, lambdaEdge, fastPath };
}

/** The README's cost table: USD per million page views in each mode, with the prices and assumptions. */
export function formatCostTable(r: BenchResults, a: Partial<CostAssumptions> = {}): string {
  const { assume, lambdaEdge, fastPath } = costPerMillionPageViews(r, a);
  const usd = (x: number) => `$${x.toFixed(2)}`;
  const lines = [
    "| mode | per 1M page views | what is billed |",
    "|---|---|---|",
    `| \`lambda-edge\` | ${usd(lambdaEdge)} | every page view a Lambda@Edge call (${assume.cachedCallMs} ms billed when the session is cached, ${assume.authCallMs} ms for a login or refresh), plus the validation API for ${(assume.uncachedShare * 100).toFixed(0)}% of views |`,
    `| \`cloudfront-function\` | ${usd(fastPath)} | every page view a CloudFront Function and one KeyValueStore read; Lambda@Edge and the validation API only for a login or refresh (1 in ${assume.pageViewsPerRefresh} views) |`,
    "",
    "Prices (us-east-1, list):",
    ...Object.values(PRICES).map((p) => `- ${p.source}`),
  ];
  return lines.join("\n");
}
