import type { ValidationErrorCode } from "@static-sso/shared";
import { createTestKey, signToken } from "@static-sso/testing";
import {
  AUDIENCE,
  goodToken,
  hs256WithPublicKey,
  type Keys,
  NOW_S,
  oneMegabyteToken,
  pathologicalBearer,
  unsignedToken,
  withChangedPayload,
} from "./fixtures.js";

/** A request to `POST /validate`: the same for the Lambda handler and for the local HTTP server. */
export interface ContractRequest {
  headers?: Record<string, string>;
  body?: string;
}

export interface ContractCase {
  name: string;
  request(ctx: { issuer: string; keys: Keys }): Promise<ContractRequest>;
  status: number;
  error?: ValidationErrorCode;
}

const bearer = (token: string): ContractRequest => ({ headers: { authorization: `Bearer ${token}` } });
const inBody = (token: string): ContractRequest => ({ body: JSON.stringify({ token }) });

/** Every case of issue 3, each with the answer the contract gives. */
export const CONTRACT_CASES: ContractCase[] = [
  {
    name: "accepts an RS256 token in the Authorization header",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.rs, issuer)),
    status: 200,
  },
  {
    name: "accepts a PS256 token in the Authorization header",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.ps, issuer)),
    status: 200,
  },
  {
    name: 'accepts an ES256 token in a JSON body {"token"}',
    request: async ({ issuer, keys }) => inBody(await goodToken(keys.es, issuer)),
    status: 200,
  },
  {
    name: "accepts a token whose aud list names the configured audience",
    request: async ({ issuer, keys }) =>
      bearer(await goodToken(keys.rs, issuer, { aud: ["account", AUDIENCE] })),
    status: 200,
  },
  {
    name: "accepts a token that expired within the clock tolerance",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.rs, issuer, { exp: NOW_S - 10 })),
    status: 200,
  },
  {
    name: "refuses an expired token with token_expired",
    request: async ({ issuer, keys }) =>
      bearer(await goodToken(keys.rs, issuer, { iat: NOW_S - 600, exp: NOW_S - 60 })),
    status: 401,
    error: "token_expired",
  },
  {
    name: "refuses a token whose nbf is in the future with token_not_yet_valid",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.rs, issuer, { nbf: NOW_S + 120 })),
    status: 401,
    error: "token_not_yet_valid",
  },
  {
    name: "refuses a token issued far in the future (iat) with token_not_yet_valid",
    request: async ({ issuer, keys }) =>
      bearer(await goodToken(keys.rs, issuer, { iat: NOW_S + 86_400, exp: NOW_S + 90_000 })),
    status: 401,
    error: "token_not_yet_valid",
  },
  {
    name: "refuses a token from another issuer with issuer_invalid",
    request: async ({ keys }) => bearer(await goodToken(keys.rs, "https://evil.example/realms/demo")),
    status: 401,
    error: "issuer_invalid",
  },
  {
    name: "refuses a token for another audience with audience_invalid",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.rs, issuer, { aud: "other-client" })),
    status: 401,
    error: "audience_invalid",
  },
  {
    name: "refuses alg none with algorithm_not_allowed",
    request: async ({ issuer }) => bearer(unsignedToken(issuer)),
    status: 401,
    error: "algorithm_not_allowed",
  },
  {
    name: "refuses HS256 signed with the RSA public key as secret with algorithm_not_allowed",
    request: async ({ issuer, keys }) => bearer(hs256WithPublicKey(keys.rs, issuer)),
    status: 401,
    error: "algorithm_not_allowed",
  },
  {
    name: "refuses a token whose signature was stripped with signature_invalid",
    request: async ({ issuer, keys }) => {
      const [h, p] = (await goodToken(keys.rs, issuer)).split(".");
      return bearer(`${h}.${p}.`);
    },
    status: 401,
    error: "signature_invalid",
  },
  {
    name: "refuses a token whose payload was changed after signing with signature_invalid",
    request: async ({ issuer, keys }) =>
      bearer(
        withChangedPayload(await goodToken(keys.rs, issuer), {
          sub: "admin",
          realm_access: { roles: ["staff"] },
        }),
      ),
    status: 401,
    error: "signature_invalid",
  },
  {
    name: "refuses a token signed by a key the issuer does not publish with key_not_found",
    request: async ({ issuer }) => bearer(await goodToken(await createTestKey("RS256"), issuer)),
    status: 401,
    error: "key_not_found",
  },
  {
    name: "refuses an RS256 header that names the ES256 key's kid with key_not_found",
    request: async ({ issuer, keys }) =>
      bearer(await goodToken(keys.rs, issuer, {}, { header: { kid: keys.es.kid } })),
    status: 401,
    error: "key_not_found",
  },
  {
    name: "refuses a token without a required claim (sub) with claim_invalid",
    request: async ({ issuer, keys }) =>
      bearer(await signToken(keys.rs, { iss: issuer, aud: AUDIENCE }, { now: NOW_S })),
    status: 401,
    error: "claim_invalid",
  },
  {
    name: "refuses a token with an empty sub with claim_invalid",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.rs, issuer, { sub: "" })),
    status: 401,
    error: "claim_invalid",
  },
  {
    name: "refuses a token whose exp is more than the allowed lifetime after its iat with claim_invalid",
    request: async ({ issuer, keys }) =>
      bearer(await goodToken(keys.rs, issuer, { exp: NOW_S + 7 * 86_400 })),
    status: 401,
    error: "claim_invalid",
  },
  {
    name: "refuses a token with an absurd exp (1e300) with claim_invalid",
    request: async ({ issuer, keys }) => bearer(await goodToken(keys.es, issuer, { exp: 1e300 })),
    status: 401,
    error: "claim_invalid",
  },
  {
    name: "refuses something that is not a JWT with token_malformed",
    request: async () => bearer("not-a-jwt"),
    status: 401,
    error: "token_malformed",
  },
  {
    name: "refuses a 1 MB token in the Authorization header with token_malformed",
    request: async () => bearer(oneMegabyteToken()),
    status: 401,
    error: "token_malformed",
  },
  {
    name: "refuses a 1 MB Authorization header of Bearer, spaces and two words with token_malformed",
    request: async () => bearer(pathologicalBearer()),
    status: 401,
    error: "token_malformed",
  },
  {
    name: "refuses a 1 MB token in the JSON body with token_malformed",
    request: async () => inBody(oneMegabyteToken()),
    status: 401,
    error: "token_malformed",
  },
  {
    name: "answers a malformed JSON body with 400 bad_request",
    request: async () => ({ body: '{"token": "abc' }),
    status: 400,
    error: "bad_request",
  },
  {
    name: "answers a request without a token with 400 token_missing",
    request: async () => ({}),
    status: 400,
    error: "token_missing",
  },
  {
    name: "answers a JSON body without a token field with 400 token_missing",
    request: async () => ({ body: "{}" }),
    status: 400,
    error: "token_missing",
  },
];
