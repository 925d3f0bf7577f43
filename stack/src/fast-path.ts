import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSessionKey } from "@static-sso/authz-core";
import { buildSessionCheck, CURRENT_KEY, PREVIOUS_KEY, type SiteRules } from "@static-sso/session-check";
import { writeKvsFile } from "./cloudfront/kvs-file.js";
import { AUTH_PATH_PATTERN, type ViewerFunctionOptions } from "./cloudfront-emulator.js";
import { StackError } from "./stack-error.js";

/** The edge config's `mode` (docs/contracts.md, "Edge modes"). */
export type EdgeMode = "cloudfront-function" | "lambda-edge";
export const EDGE_MODES: readonly EdgeMode[] = ["cloudfront-function", "lambda-edge"];
/** What `npm start` runs: the fast path. */
export const DEFAULT_EDGE_MODE: EdgeMode = "cloudfront-function";

/** The edge config's `sessionKeys`: KeyValueStore values, `<kid>:<secret>`. */
export interface SessionKeyValues {
  current: string;
  previous?: string;
}

/**
 * A fresh session key as the KeyValueStore holds it: a random key id and 32 random bytes as base64url
 * (43 characters, authz-core's minimum), so every start of the local stack signs with a key of its own.
 */
export function newSessionKeyValue(): string {
  return `local-${randomBytes(6).toString("hex")}:${randomBytes(32).toString("base64url")}`;
}

/** The edge config's rule settings, the ones buildSessionCheck bakes in (nothing else may reach it). */
export function siteRulesOf(edgeConfig: Record<string, unknown>): SiteRules {
  const rules: Record<string, unknown> = {};
  for (const key of ["publicPaths", "requiredRoles", "directoryIndex", "cookiePrefix", "logoutPath"])
    if (edgeConfig[key] !== undefined) rules[key] = edgeConfig[key];
  return rules as SiteRules;
}

/**
 * The behaviours that keep the Lambda@Edge association: `/_auth/*`, and the callback and logout paths
 * when configured outside it (each then needs a behaviour of its own, in Terraform as here).
 */
export function lambdaPathPatterns(edgeConfig: Record<string, unknown>): string[] {
  const patterns = [AUTH_PATH_PATTERN];
  for (const key of ["callbackPath", "logoutPath"]) {
    const path = edgeConfig[key];
    if (typeof path === "string" && !path.startsWith("/_auth/")) patterns.push(path);
  }
  return patterns;
}

export interface PreparedViewerFunction {
  viewerFunction: ViewerFunctionOptions;
  /** The function's code size in bytes, as uploaded. */
  bytes: number;
  /** Removes the KeyValueStore file's folder. */
  dispose(): void;
}

/**
 * What the fast path needs beside the edge config: the CloudFront Function built from the config's own
 * rules, and its KeyValueStore, written to a private temp folder from the config's `sessionKeys` (the
 * same values the edge mints with). Throws StackError when the keys or the rules are unusable.
 */
export async function prepareViewerFunction(
  edgeConfig: Record<string, unknown>,
  log?: (line: string) => void,
): Promise<PreparedViewerFunction> {
  const keys = edgeConfig.sessionKeys as Partial<SessionKeyValues> | undefined;
  if (
    !keys ||
    !parseSessionKey(keys.current) ||
    (keys.previous !== undefined && !parseSessionKey(keys.previous))
  )
    throw new StackError(
      "viewer_function_invalid",
      "edgeConfig.sessionKeys needs current (and optionally previous) as <kid>:<secret>, a secret of 43+ base64url characters",
    );
  let built: { code: string; bytes: number };
  try {
    built = await buildSessionCheck(siteRulesOf(edgeConfig));
  } catch (error) {
    throw new StackError(
      "viewer_function_invalid",
      `the CloudFront Function cannot be built: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "stack-kvs-"));
  const kvsFile = join(dir, "kvs.json");
  writeKvsFile(kvsFile, {
    [CURRENT_KEY]: keys.current as string,
    ...(keys.previous !== undefined ? { [PREVIOUS_KEY]: keys.previous } : {}),
  });
  return {
    viewerFunction: {
      code: built.code,
      kvsFile,
      lambdaPathPatterns: lambdaPathPatterns(edgeConfig),
      ...(log ? { log } : {}),
    },
    bytes: built.bytes,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
