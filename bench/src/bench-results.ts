import type { LoopResult } from "./children/measure-loop.mjs";
import type { ColdStartResults } from "./measure-edge-cold-start.js";
import type { EdgeWarmResults } from "./measure-edge-warm.js";
import type { GlobWorstResult } from "./measure-glob-worst.js";
import type { HttpLoadResult } from "./measure-http-load.js";
import type { SessionCheckResults } from "./measure-session-check.js";
import type { SizeResults } from "./measure-sizes.js";
import type { ValidateHandlerResult } from "./measure-validate-handler.js";

export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  arch: string;
  memoryGb: number;
  loadAverage: number[];
}

/** What `pnpm bench` writes to bench/results.json. Times in ms, rates per second, sizes in bytes. */
export interface BenchResults {
  date: string;
  scale: string;
  durationSeconds: number;
  machine: MachineInfo;
  sizes: SizeResults;
  /** The path-rule matcher's worst case: a 16 KB path against a many-star rule (µs). */
  globWorst: GlobWorstResult;
  edgeColdStart: ColdStartResults;
  edgeWarm: EdgeWarmResults;
  /** The fast path's CloudFront Function, in the local cloudfront-js-2.0 sandbox. */
  sessionCheck: SessionCheckResults;
  /** Ours (cached valid session) and cognito-at-edge (valid token, JWKS preloaded), in alternating rounds. */
  peer: {
    /** cognito-at-edge's loop and ours, from the round with the median ratio. */
    valid: LoopResult;
    ours: LoopResult;
    /** Peak RSS of the peer's process and of ours doing the same one loop (the highest of the rounds). */
    maxRssMb: number;
    oursMaxRssMb: number;
    /**
     * How many times faster ours is: the peer's p50 over ours (median of the rounds; the target's measure),
     * and our requests/s over the peer's (median of the rounds), with each round's.
     */
    speedup: number;
    speedups: number[];
    throughputRatio: number;
    throughputRatios: number[];
    /**
     * The handler's one JSON log line per request alone (cognito-at-edge, logging "silent", writes none):
     * in a fresh child next to ours in every round, same heap flags, loop and stdout (/dev/null), an object
     * of the handler's `request` line's keys and values built, JSON.stringify'd and written with
     * process.stdout.write on each call.
     */
    logWrite: {
      /** The loop of the median round (the round `ours` and `valid` come from). */
      loop: LoopResult;
      /** The handler's real `request` line it copies (call 1's requestId), newline included, and its bytes. */
      line: string;
      lineBytes: number;
      /** Its p50 over ours (cached) of the same round: the share of our median call; median and each round's. */
      p50Share: number;
      p50Shares: number[];
    };
  };
  validateApi: {
    /** jose.jwtVerify alone, same key and token: the ceiling. */
    bareJose: LoopResult;
    inProcess: LoopResult;
    /**
     * Ours as a fraction of bare: bare's p50 over ours (median of alternating rounds; the target's measure),
     * and our verifications/s over bare's (median of the rounds), with each round's.
     */
    inProcessVsBare: number;
    inProcessVsBareRounds: number[];
    throughputVsBare: number;
    throughputVsBareRounds: number[];
    http: HttpLoadResult;
    /**
     * The shipped Lambda handler (an HTTP API payload 2.0 event in, its log line to stdout at the default
     * level) against bare jose.jwtVerify, each in its own process with a 256 MB Lambda's heap flags.
     */
    handler: ValidateHandlerResult;
  };
}

/** The goals the README states; the table marks each figure against its own. */
export const TARGETS = {
  /** Our target for the edge zip, 60 KB; Lambda@Edge's own limit for a viewer-request function is 1 MB. */
  edgeZipMaxBytes: 60 * 1000,
  edgeZipLimitBytes: 1000 * 1000,
  coldStartBeyondNodeMs: 50,
  peerSpeedup: 5,
  /** For the peak RSS of the cached warm loop's own process (edgeWarm.maxRssMb). */
  edgeMaxRssMb: 96,
  edgeRssLimitMb: 128,
  inProcessVsBare: 0.9,
  handlerVsBare: 0.9,
} as const;
