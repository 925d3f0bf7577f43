import type { JsonWebKey } from "node:crypto";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the IdP signs with (RS256 JWKS) and what its own cookies are signed with. */
export interface SigningKeys {
  jwks: { keys: JsonWebKey[] };
  cookieKeys: string[];
}

function generate(): SigningKeys {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };
  return { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString("base64url")] };
}

/**
 * Keys generated at start, or, with a data folder, read from (and first written to) `<dataDir>/keys.json`
 * so that a restarted IdP still verifies the tokens and cookies it issued before.
 */
export function loadSigningKeys(dataDir?: string): SigningKeys {
  if (!dataDir) return generate();
  const file = join(dataDir, "keys.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as SigningKeys;
  mkdirSync(dataDir, { recursive: true });
  const keys = generate();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(keys), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return keys;
}
