// The peer, awslabs' cognito-at-edge, handling a viewer-request with a valid ID token, warm, in its own
// process so its memory is its own. Its JWKS is put in aws-jwt-verify's cache first, so it never touches the
// network. usage: node peer-child.mjs <job.json>; writes its result as JSON to fd 3.
import { readFileSync, writeSync } from "node:fs";
import { Authenticator } from "cognito-at-edge";
import { freshEvent } from "./fresh-event.mjs";
import { measureLoop } from "./measure-loop.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const authenticator = new Authenticator({
  region: job.region,
  userPoolId: job.userPoolId,
  userPoolAppId: job.clientId,
  userPoolDomain: job.userPoolDomain,
  logLevel: "silent",
});
// `_jwtVerifier` is aws-jwt-verify's CognitoJwtVerifier; `cacheJwks` is its documented way to preload keys.
authenticator._jwtVerifier.cacheJwks(job.jwks);

async function call(index) {
  const response = await authenticator.handle(freshEvent(job.event, index));
  // A valid token makes cognito-at-edge return the request itself (no `status`): anything else means the
  // bench measured the wrong path.
  if (response.status !== undefined || response.uri !== job.event.Records[0].cf.request.uri) {
    throw new Error(`cognito-at-edge did not forward the request: status ${response.status}`);
  }
}

await call(0);
const valid = await measureLoop(call, job.loop);
writeSync(3, JSON.stringify({ valid, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
