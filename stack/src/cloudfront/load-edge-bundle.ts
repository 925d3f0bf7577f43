import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError } from "@static-sso/shared";
import type { CloudFrontRequestEvent, CloudFrontRequestResult, Context } from "aws-lambda";

export type ViewerRequestHandler = (
  event: CloudFrontRequestEvent,
  context: Context,
) => Promise<CloudFrontRequestResult> | CloudFrontRequestResult;

export interface LoadedEdgeBundle {
  handler: ViewerRequestHandler;
  /** The folder the bundle was copied into (as Lambda unpacks the zip into /var/task). */
  dir: string;
  /** Removes the copy. */
  dispose(): void;
}

/**
 * Loads a built Lambda@Edge bundle the way Lambda runs it: `index.js` (CommonJS) copied into a fresh
 * folder with `config.json` beside it, exactly as the zip would hold them, then `require`d there.
 * A fresh folder per call also gives a fresh module, i.e. a cold container.
 */
export function loadEdgeBundle(bundleFile: string, config?: unknown): LoadedEdgeBundle {
  if (!existsSync(bundleFile)) {
    throw new ConfigError(
      "edgeBundle",
      `${bundleFile} does not exist; build it with 'pnpm --filter @static-sso/edge-auth build'`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "edge-task-"));
  copyFileSync(bundleFile, join(dir, "index.js"));
  // No "type": "module" above /tmp, so .js is CommonJS there as in /var/task; said explicitly anyway.
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  if (config !== undefined)
    writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2), { mode: 0o600 });
  // Lambda's runtime has the AWS SDK it ships on NODE_PATH (/var/runtime/node_modules), which the
  // bundle leaves out (the SSM client, the SigV4 signer); the package's own node_modules stands in.
  const runtimeModules = join(dirname(bundleFile), "..", "node_modules");
  if (existsSync(runtimeModules)) symlinkSync(runtimeModules, join(dir, "node_modules"), "dir");
  const mod = createRequire(join(dir, "index.js"))(join(dir, "index.js")) as { handler?: unknown };
  if (typeof mod.handler !== "function") {
    rmSync(dir, { recursive: true, force: true });
    throw new ConfigError("edgeBundle", `${bundleFile} does not export a handler function`);
  }
  return {
    handler: mod.handler as ViewerRequestHandler,
    dir,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A Lambda context as Lambda@Edge gives one: the replica's function name starts with the region. */
export function edgeContext(functionName: string, requestId: string, deadline = Date.now() + 5000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "1",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}:1`,
    memoryLimitInMB: "128",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/us-east-1.${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
