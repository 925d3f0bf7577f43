import { type AwsCredentials, signRequest } from "@static-sso/shared";
import type { FakeIssuer } from "@static-sso/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGV4_MAX_SKEW_MS } from "../src/iam-check.js";
import { startValidateServer, type ValidateServer } from "../src/server.js";
import { apiOptions } from "./api-options.js";
import { createKeys, goodToken, type Keys, logLines, NOW_MS, startIssuerWith } from "./fixtures.js";

// The local stand-in for API Gateway's IAM authorization, over real HTTP: a call signed (SigV4, by the
// signer the edge uses) with the one role's credentials reaches the handler; anything else gets
// API Gateway's 403 {"message":"Forbidden"}.
const ROLE: Required<AwsCredentials> = {
  accessKeyId: "AKIDIAMCHECKTEST0001",
  secretAccessKey: "iam-check-test-secret",
  sessionToken: "iam-check-test-session",
};
const REGION = "eu-west-1";

let keys: Keys;
let idp: FakeIssuer;
let server: ValidateServer;
let token: string;
const logs = logLines();

beforeAll(async () => {
  keys = await createKeys();
  idp = await startIssuerWith([keys.rs]);
  server = await startValidateServer({
    ...apiOptions(idp.issuer, { jwksUri: idp.jwksUri, sink: logs.sink }),
    iam: { credentials: ROLE, region: REGION, now: () => NOW_MS },
  });
  token = await goodToken(keys.rs, idp.issuer);
});
afterAll(async () => {
  await server.close();
  await idp.close();
});

async function signed(
  body: string,
  options: { credentials?: AwsCredentials; at?: number; region?: string } = {},
): Promise<Record<string, string>> {
  const url = new URL(server.validateUrl);
  const headers = await signRequest(
    {
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      headers: { host: url.host, "content-type": "application/json" },
      body,
    },
    {
      credentials: options.credentials ?? ROLE,
      region: options.region ?? REGION,
      service: "execute-api",
      signingDate: new Date(options.at ?? NOW_MS),
    },
  );
  delete headers.host;
  return headers;
}

const call = (headers: Record<string, string>, body: string) =>
  fetch(server.validateUrl, { method: "POST", headers, body });

async function expectForbidden(res: Response): Promise<void> {
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({ message: "Forbidden" });
}

describe("the validation API behind the local IAM check", () => {
  it("answers a call signed with the role's credentials, the token in the body", async () => {
    const body = JSON.stringify({ token });
    const res = await call(await signed(body), body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ valid: true, claims: { sub: "alice" } });
  });

  it("refuses an unsigned call, even with a good token, before the handler sees it", async () => {
    await expectForbidden(await call({ "content-type": "application/json" }, JSON.stringify({ token })));
    await expectForbidden(await call({ authorization: `Bearer ${token}` }, ""));
    expect(logs.parsed().at(-1)).toMatchObject({ reason: "not_signed" });
  });

  it("refuses a signature made with another secret", async () => {
    const body = JSON.stringify({ token });
    await expectForbidden(
      await call(await signed(body, { credentials: { ...ROLE, secretAccessKey: "guess" } }), body),
    );
  });

  it("refuses another access key id, and another region's scope", async () => {
    const body = JSON.stringify({ token });
    const other = { ...ROLE, accessKeyId: "AKIDSOMEONEELSE00001" };
    await expectForbidden(await call(await signed(body, { credentials: other }), body));
    await expectForbidden(await call(await signed(body, { region: "us-east-1" }), body));
  });

  it("refuses a body changed after signing (another token), whatever hash header comes with it", async () => {
    const headers = await signed(JSON.stringify({ token }));
    const other = JSON.stringify({ token: await goodToken(keys.rs, idp.issuer, { sub: "mallory" }) });
    await expectForbidden(await call(headers, other));
    expect(logs.parsed().at(-1)).toMatchObject({ reason: "body_hash_mismatch" });
  });

  it("refuses a signature dated outside AWS's 5 minute window, either way", async () => {
    const body = JSON.stringify({ token });
    await expectForbidden(await call(await signed(body, { at: NOW_MS - SIGV4_MAX_SKEW_MS - 1000 }), body));
    await expectForbidden(await call(await signed(body, { at: NOW_MS + SIGV4_MAX_SKEW_MS + 1000 }), body));
    expect(logs.parsed().at(-1)).toMatchObject({ reason: "signature_expired" });
  });

  it("refuses a signature without the role's session token", async () => {
    const body = JSON.stringify({ token });
    const noToken = { accessKeyId: ROLE.accessKeyId, secretAccessKey: ROLE.secretAccessKey };
    await expectForbidden(await call(await signed(body, { credentials: noToken }), body));
  });
});
