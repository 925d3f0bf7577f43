import type { LoopResult } from "./children/measure-loop.mjs";
import type { ColdStartResults } from "./measure-edge-cold-start.js";
import type { EdgeWarmResults } from "./measure-edge-warm.js";
import type { HttpLoadResult } from "./measure-http-load.js";
import type { SizeResults } from "./measure-sizes.js";
import type { PeerResults } from "./peer-cognito.js";

export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  arch: string;
  memoryGb: number;
}

/** What `pnpm bench` writes to bench/results.json. Times in ms, rates per second, sizes in bytes. */
export interface BenchResults {
  date: string;
  scale: string;
  durationSeconds: number;
  machine: MachineInfo;
  sizes: SizeResults;
  edgeColdStart: ColdStartResults;
  edgeWarm: EdgeWarmResults;
  peer: PeerResults & {
    /** Our cached path's requests/s over the peer's: how many times faster ours is. */
    speedup: number;
    /** The peer's p50 over ours. */
    p50Ratio: number;
  };
  validateApi: {
    /** jose.jwtVerify alone, same key and token: the ceiling. */
    bareJose: LoopResult;
    inProcess: LoopResult;
    http: HttpLoadResult;
    /** inProcess.perSecond / bareJose.perSecond. */
    inProcessVsBare: number;
  };
}

/** The goals the README states; the table marks each figure against its own. */
export const TARGETS = {
  edgeZipMaxBytes: 1024 * 1024,
  coldStartBeyondNodeMs: 50,
  peerSpeedup: 5,
  edgeMaxRssMb: 96,
  edgeRssLimitMb: 128,
  inProcessVsBare: 0.9,
} as const;
