import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserPageLoadEvent } from "@static-sso/testing";
import { startValidateServer } from "@static-sso/validate-api";
import { startBenchIdentity } from "./bench-identity.js";
import type { BenchResults } from "./bench-results.js";
import { prepareEdgeBundle, sessionCookieHeader } from "./edge-bundle.js";
import { machineInfo } from "./machine-info.js";
import { measureEdgeColdStart } from "./measure-edge-cold-start.js";
import { measureEdgeCached, measureEdgeWarm } from "./measure-edge-warm.js";
import { measureGlobWorst } from "./measure-glob-worst.js";
import { type LogWriteRun, measureLogWrite } from "./measure-log-write.js";
import { measurePaired } from "./measure-paired.js";
import { measureSessionCheck } from "./measure-session-check.js";
import { measureSizes } from "./measure-sizes.js";
import { measureValidatorHttp, measureValidatorVsBare, validatorOptions } from "./measure-validate-api.js";
import { measureValidateHandler } from "./measure-validate-handler.js";
import { median } from "./median.js";
import { preparePeer } from "./peer-cognito.js";
import { type Scale, scaleFor } from "./scale.js";

export interface RunBenchOptions {
  scale?: Scale["name"];
  /** Progress lines (default: stderr, so stdout carries only the table). */
  progress?: (line: string) => void;
}

const PAGE = "/docs/index.html";

/** Signs `count` distinct tokens, a few at a time (signing runs on libuv's thread pool). */
async function signMany(sign: (n: number) => Promise<string>, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i += 64) {
    const batch = Array.from({ length: Math.min(64, count - i) }, (_, j) => sign(1 + i + j));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Every measure, one after the other in one run, so their ratios hold on a noisy machine. */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchResults> {
  const scale = scaleFor(options.scale);
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const machine = machineInfo();
  const workDir = mkdtempSync(join(tmpdir(), "static-sso-bench-"));
  const identity = await startBenchIdentity();
  // The validation API the edge calls, for the cold starts and the uncached warm loop.
  const validateServer = await startValidateServer({
    ...validatorOptions(identity),
    port: 0,
    host: "127.0.0.1",
  });
  try {
    progress("· sizes");
    const sizes = measureSizes();
    progress("· glob worst case (16 KB path, many-star rule)");
    const globWorst = measureGlobWorst();

    const edgeConfig = {
      issuer: identity.issuer.issuer,
      clientId: identity.clientId,
      validateUrl: validateServer.validateUrl,
      publicPaths: ["/public/*"],
      requiredRoles: { "/staff/*": ["staff"] },
    };
    const bundleDir = prepareEdgeBundle(workDir, edgeConfig);
    // The same bundle at logLevel debug, where a plain pass writes its line: for the log line's own cost.
    const debugBundleDir = prepareEdgeBundle(
      workDir,
      { ...edgeConfig, logLevel: "debug" },
      "edge-auth-debug",
    );
    const token = await identity.signUserToken(0);
    // The edge validates the access-token cookie; the ID-token cookie rides along as a browser sends it
    // (a token of the same shape and size stands in for it).
    const idToken = await identity.signUserToken(-1);
    const validEvent = browserPageLoadEvent({ uri: PAGE, cookie: sessionCookieHeader(token, idToken) });
    const redirectEvent = browserPageLoadEvent({ uri: PAGE });

    progress(`· edge cold start (${scale.coldStartRuns} processes of each kind)`);
    const edgeColdStart = await measureEdgeColdStart(
      bundleDir,
      {
        publicPath: browserPageLoadEvent({ uri: "/public/index.html" }),
        redirect: redirectEvent,
        validSession: validEvent,
      },
      `${identity.issuer.issuer}/.well-known/openid-configuration`,
      scale,
      workDir,
    );

    progress(`· edge warm loops (signing ${scale.uncachedTokens} distinct tokens first)`);
    const uncachedTokens = await signMany(identity.signUserToken, scale.uncachedTokens);
    const edgeWarm = await measureEdgeWarm(
      bundleDir,
      {
        cached: validEvent,
        redirect: redirectEvent,
        uncached: {
          event: browserPageLoadEvent({ uri: PAGE, cookie: sessionCookieHeader("{token}", idToken) }),
          tokens: uncachedTokens,
        },
      },
      scale,
      workDir,
    );

    progress("· CloudFront Function session-check in the cloudfront-js-2.0 sandbox");
    const sessionCheck = await measureSessionCheck(scale);

    const pairLoop = {
      warmupMs: scale.warmupMs,
      loopMs: scale.pairLoopMs,
      maxIterations: scale.maxIterations,
    };
    progress(
      `· ours (cached) vs cognito-at-edge, ${scale.pairRounds} alternating rounds, each with the log write alone`,
    );
    const peer = await preparePeer(workDir);
    let peerMaxRssMb = 0;
    let oursCachedMaxRssMb = 0;
    // The handler's log line alone, in its own child next to ours in every round: ours then the line in
    // even rounds, the line then ours in odd ones, so the order is ours, line, peer / peer, line, ours.
    const logWrites: LogWriteRun[] = [];
    const vsPeer = await measurePaired(
      async () => {
        const lineFirst = logWrites.length % 2 === 1;
        if (lineFirst) logWrites.push(await measureLogWrite(debugBundleDir, validEvent, pairLoop, workDir));
        const run = await measureEdgeCached(bundleDir, validEvent, pairLoop, workDir);
        if (!lineFirst) logWrites.push(await measureLogWrite(debugBundleDir, validEvent, pairLoop, workDir));
        oursCachedMaxRssMb = Math.max(oursCachedMaxRssMb, run.maxRssMb);
        return run.cached;
      },
      async () => {
        const run = await peer.run(pairLoop);
        peerMaxRssMb = Math.max(peerMaxRssMb, run.maxRssMb);
        return run.valid;
      },
      scale.pairRounds,
    );

    progress(
      `· validation: createValidator vs bare jose.jwtVerify, ${scale.pairRounds} rounds call by call; HTTP`,
    );
    const vsBare = await measureValidatorVsBare(identity, token, pairLoop, scale.pairRounds);
    const http = await measureValidatorHttp(identity, token, scale, workDir);
    progress(
      `· validation API Lambda handler (dist/index.js) vs bare jose.jwtVerify, ${scale.pairRounds} rounds call by call`,
    );
    const handler = await measureValidateHandler(identity, token, pairLoop, scale.pairRounds, workDir);

    const logWriteShares = vsPeer.rounds.map(
      (round, i) => (logWrites[i]?.loop.p50Ms ?? Number.NaN) / round.ours.p50Ms,
    );
    const medianLogWrite = logWrites[vsPeer.medianRound];
    if (!medianLogWrite || logWrites.length !== vsPeer.rounds.length)
      throw new Error(`${logWrites.length} log-write loops for ${vsPeer.rounds.length} rounds`);

    return {
      date: new Date().toISOString(),
      scale: scale.name,
      durationSeconds: (performance.now() - started) / 1000,
      machine,
      sizes,
      globWorst,
      edgeColdStart,
      edgeWarm,
      sessionCheck,
      peer: {
        valid: vsPeer.baseline,
        ours: vsPeer.ours,
        maxRssMb: peerMaxRssMb,
        oursMaxRssMb: oursCachedMaxRssMb,
        speedup: vsPeer.p50Ratio,
        speedups: vsPeer.p50Ratios,
        throughputRatio: vsPeer.throughputRatio,
        throughputRatios: vsPeer.throughputRatios,
        logWrite: {
          loop: medianLogWrite.loop,
          line: medianLogWrite.line,
          lineBytes: Buffer.byteLength(medianLogWrite.line),
          p50Share: median(logWriteShares),
          p50Shares: logWriteShares,
        },
      },
      validateApi: { ...vsBare, http, handler },
    };
  } finally {
    await validateServer.close();
    await identity.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
