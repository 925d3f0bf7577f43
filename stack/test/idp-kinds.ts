import { findKeycloakInstall } from "../src/keycloak/keycloak-install.js";
import type { IdpKind } from "../src/start-stack.js";

/**
 * The IdPs the browser suite runs against: one suite, parameterized (`describe.each(idpKinds)`).
 * The embedded IdP always; a real Keycloak when its tier is available (stack/scripts/ensure-keycloak.mjs
 * prepared it). Under CI the tier is required: "keycloak" stays in the list even when Keycloak cannot
 * run, so the suite fails with startKeycloak's reason instead of passing without it.
 */
function keycloakTierAvailable(): boolean {
  if (process.env.KEYCLOAK_TIER === "skip") return false;
  const status = findKeycloakInstall("postgres");
  if (status.available || process.env.CI) return true;
  console.warn(`browser suite: the Keycloak tier is skipped: ${status.reason}`);
  return false;
}

export const idpKinds: IdpKind[] = ["embedded", ...(keycloakTierAvailable() ? (["keycloak"] as const) : [])];
