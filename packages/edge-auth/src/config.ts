import {
  type AccessRules,
  canonicalPath,
  compileRules,
  parseSessionKey,
  type RequiredRoles,
  RuleError,
  type SessionKey,
} from "@static-sso/authz-core";
import { ConfigError, checkHttpsUrl, type LogLevel } from "@static-sso/shared";
import { parseValidateAuth, type ValidateAuthConfig } from "./config/validate-auth.js";

export type { RequiredRoles };

/** The edge function's configuration (docs/contracts.md `packages/edge-auth`, docs/configuration.md), with defaults applied. */
export interface EdgeConfig extends ValidateAuthConfig {
  issuer: string;
  clientId: string;
  /** Absent: a public client, PKCE alone. */
  clientSecret?: string;
  /** The validation API's `POST /validate` URL. */
  validateUrl: string;
  scopes: string[];
  callbackPath: string;
  logoutPath: string;
  publicPaths: string[];
  cookiePrefix: string;
  requiredRoles?: RequiredRoles;
  /** Where the IdP sends the browser after logout: a path on this site or a URL on the same host. */
  postLogoutRedirectUri?: string;
  /** Overrides `https://<host>` as the site's origin (redirect_uri, post-logout default). */
  siteOrigin?: string;
  /**
   * Appended to a URI ending in `/` before it goes to the origin (default `index.html`): a private S3
   * origin has no index documents, so `/staff/` would otherwise be a 403 from S3. Empty: off.
   */
  directoryIndex: string;
  /** Deadline for one validation API call (default 2000 ms). */
  validateTimeoutMs: number;
  /** Deadline for one IdP call: discovery, token endpoint (default 2500 ms). */
  idpTimeoutMs: number;
  /**
   * Longest a validation API yes is reused for one token (default 300 s), whatever its `exp` says: a
   * token with an absurd `exp` must not stay trusted for the container's life.
   */
  validationCacheMaxSeconds: number;
  /** Lowest level logged (default info): plain passes log at debug, so they are off by default. */
  logLevel: LogLevel;
  /**
   * `lambda-edge` (the default here, as configs written before the fast path expect): every request
   * through this function. `cloudfront-function`: a CloudFront Function checks the signed session cookie
   * on page views and this function serves `/_auth/` (login, callback, refresh, logout), minting that
   * cookie with `sessionKeys.current`. The Terraform module and `npm start` default to the fast path.
   */
  mode: EdgeMode;
  /** The fast path's signing keys, as the function's KeyValueStore holds them (`<kid>:<secret>`). */
  sessionKeys?: { current: SessionKey; previous?: SessionKey };
}

export type EdgeMode = "lambda-edge" | "cloudfront-function";
/** The fast path's own paths besides callbackPath and logoutPath (docs/contracts.md, "Edge modes"). */
export const LOGIN_PATH = "/_auth/login";
export const REFRESH_PATH = "/_auth/refresh";

/** Every key a config may have: anything else is a typo that would silently drop a rule. */
export const CONFIG_KEYS: ReadonlySet<string> = new Set([
  "issuer",
  "clientId",
  "clientSecret",
  "validateUrl",
  "scopes",
  "callbackPath",
  "logoutPath",
  "publicPaths",
  "cookiePrefix",
  "requiredRoles",
  "postLogoutRedirectUri",
  "siteOrigin",
  "directoryIndex",
  "validateTimeoutMs",
  "idpTimeoutMs",
  "validationCacheMaxSeconds",
  "logLevel",
  "mode",
  "sessionKeys",
  "validateAuth",
  "validateRegion",
]);

export const CONFIG_DEFAULTS = {
  scopes: ["openid", "profile", "email"],
  callbackPath: "/_auth/callback",
  logoutPath: "/_auth/logout",
  publicPaths: [] as string[],
  cookiePrefix: "sso",
  directoryIndex: "index.html",
  validateTimeoutMs: 2000,
  idpTimeoutMs: 2500,
  validationCacheMaxSeconds: 300,
  logLevel: "info",
} as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requiredString(raw: Record<string, unknown>, field: string): string {
  const v = raw[field];
  if (typeof v !== "string" || v.trim() === "")
    throw new ConfigError(field, "is required (a non-empty string)");
  return v.trim();
}

function optionalString(raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError(field, "must be a string");
  return v;
}

function path(field: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\/[^?#\s]*$/.test(value) || value.startsWith("//"))
    throw new ConfigError(field, "must be a path starting with / (no query, no spaces)");
  // Requests are matched on their canonical path, so this path must be one to ever match.
  const canonical = canonicalPath(value);
  if (!canonical.ok || canonical.path !== value || value.endsWith("/"))
    throw new ConfigError(field, "must be a canonical path (no dot segments, //, escapes or trailing /)");
  return value;
}

function stringList(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === ""))
    throw new ConfigError(field, "must be a list of non-empty strings");
  return value as string[];
}

function requiredRoles(value: unknown): RequiredRoles | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return stringList("requiredRoles", value);
  if (!isObject(value))
    throw new ConfigError("requiredRoles", "must be a list of roles or an object of path globs to roles");
  const out: Record<string, string[]> = {};
  for (const [glob, roles] of Object.entries(value))
    out[glob] = stringList(`requiredRoles["${glob}"]`, roles);
  return out;
}

/**
 * The public and role rules in the canonical form requests are decided on (see @static-sso/authz-core).
 * A glob that cannot be understood is a ConfigError: the function then answers 503, never an open site.
 */
const compiled = new WeakMap<EdgeConfig, AccessRules>();

export function accessRules(config: EdgeConfig): AccessRules {
  // parseConfig compiles them to check them; the handler then takes the same compiled rules.
  const known = compiled.get(config);
  if (known) return known;
  try {
    const rules = compileRules({
      publicPaths: config.publicPaths,
      requiredRoles: config.requiredRoles,
      // A folder URL is decided as its index document even when the origin, not the edge, maps it.
      indexDocument: config.directoryIndex || CONFIG_DEFAULTS.directoryIndex,
    });
    compiled.set(config, rules);
    return rules;
  } catch (error) {
    if (error instanceof RuleError)
      throw new ConfigError(error.field, error.message.slice(error.field.length + 1));
    throw error;
  }
}

function timeout(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 50 || value > 4500)
    throw new ConfigError(field, "must be an integer between 50 and 4500 (ms; Lambda@Edge stops at 5 s)");
  return value;
}

function cacheSeconds(value: unknown): number {
  if (value === undefined) return CONFIG_DEFAULTS.validationCacheMaxSeconds;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 3600)
    throw new ConfigError("validationCacheMaxSeconds", "must be an integer between 0 and 3600 (seconds)");
  return value;
}

function logLevel(value: unknown): LogLevel {
  if (value === undefined) return CONFIG_DEFAULTS.logLevel;
  if (value !== "debug" && value !== "info" && value !== "warn" && value !== "error")
    throw new ConfigError("logLevel", "must be one of debug, info, warn, error");
  return value;
}

function mode(value: unknown): EdgeMode {
  if (value === undefined) return "lambda-edge";
  if (value !== "lambda-edge" && value !== "cloudfront-function")
    throw new ConfigError("mode", "must be lambda-edge or cloudfront-function");
  return value;
}

/** `<kid>:<secret>`, or a key already parsed (createHandler parses a parsed config again). */
function sessionKey(value: unknown): SessionKey | undefined {
  if (isObject(value) && typeof value.kid === "string" && typeof value.secret === "string")
    return parseSessionKey(`${value.kid}:${value.secret}`);
  return parseSessionKey(value);
}

function sessionKeys(value: unknown, edgeMode: EdgeMode): EdgeConfig["sessionKeys"] {
  if (value === undefined && edgeMode === "lambda-edge") return undefined;
  if (!isObject(value))
    throw new ConfigError(
      "sessionKeys",
      'is required in cloudfront-function mode: {"current": "<kid>:<secret>"}',
    );
  for (const key of Object.keys(value))
    if (key !== "current" && key !== "previous")
      throw new ConfigError(`sessionKeys.${key}`, "is not a key slot");
  const current = sessionKey(value.current);
  if (!current)
    throw new ConfigError(
      "sessionKeys.current",
      "must be <kid>:<secret> (kid 1-32 of A-Z a-z 0-9 - _, secret of 43+)",
    );
  if (value.previous === undefined) return { current };
  const previous = sessionKey(value.previous);
  if (!previous) throw new ConfigError("sessionKeys.previous", "must be <kid>:<secret>, like current");
  if (previous.kid === current.kid)
    throw new ConfigError("sessionKeys.previous", "must have another kid than current");
  return { current, previous };
}

function directoryIndex(value: unknown): string {
  if (value === undefined) return CONFIG_DEFAULTS.directoryIndex;
  if (value === "" || value === false) return "";
  if (typeof value !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value))
    throw new ConfigError(
      "directoryIndex",
      "must be a file name such as index.html, or empty to turn it off",
    );
  return value;
}

/** Configs this module made: createHandler takes raw JSON or one of these, and parses each only once. */
const parsed = new WeakSet<object>();

/** Checks a parsed config document and applies the defaults; throws ConfigError naming the field. */
export function parseConfig(raw: unknown): EdgeConfig {
  if (isObject(raw) && parsed.has(raw)) return raw as unknown as EdgeConfig;
  if (!isObject(raw)) throw new ConfigError("(root)", "must be a JSON object");
  for (const key of Object.keys(raw))
    if (!CONFIG_KEYS.has(key)) throw new ConfigError(key, "is not a config key (misspelt?)");
  // Exactly as given: the discovery document's `issuer` must equal it, and some IdPs' end in `/`.
  const issuer = checkHttpsUrl("issuer", requiredString(raw, "issuer"));
  const clientId = requiredString(raw, "clientId");
  const clientSecret = optionalString(raw, "clientSecret");
  const validateUrl = checkHttpsUrl("validateUrl", requiredString(raw, "validateUrl"));

  let scopes: string[] = [...CONFIG_DEFAULTS.scopes];
  if (typeof raw.scopes === "string") scopes = raw.scopes.split(/\s+/).filter(Boolean);
  else if (raw.scopes !== undefined) scopes = stringList("scopes", raw.scopes);
  if (!scopes.includes("openid")) throw new ConfigError("scopes", "must include openid");

  const cookiePrefix = raw.cookiePrefix === undefined ? CONFIG_DEFAULTS.cookiePrefix : raw.cookiePrefix;
  if (typeof cookiePrefix !== "string" || !/^[A-Za-z0-9_-]{1,20}$/.test(cookiePrefix))
    throw new ConfigError("cookiePrefix", "must be 1-20 characters of A-Z a-z 0-9 _ -");

  const callbackPath = path("callbackPath", raw.callbackPath, CONFIG_DEFAULTS.callbackPath);
  const logoutPath = path("logoutPath", raw.logoutPath, CONFIG_DEFAULTS.logoutPath);
  if (callbackPath === logoutPath) throw new ConfigError("logoutPath", "must differ from callbackPath");

  const postLogoutRedirectUri = optionalString(raw, "postLogoutRedirectUri");
  if (postLogoutRedirectUri !== undefined && !postLogoutRedirectUri.startsWith("/"))
    checkHttpsUrl("postLogoutRedirectUri", postLogoutRedirectUri);
  const siteOrigin = optionalString(raw, "siteOrigin");
  if (siteOrigin !== undefined) {
    checkHttpsUrl("siteOrigin", siteOrigin);
    if (new URL(siteOrigin).origin !== siteOrigin.replace(/\/+$/, ""))
      throw new ConfigError("siteOrigin", "must be an origin only (scheme://host[:port])");
  }

  const config: EdgeConfig = {
    issuer,
    clientId,
    validateUrl,
    scopes,
    callbackPath,
    logoutPath,
    publicPaths:
      raw.publicPaths === undefined
        ? [...CONFIG_DEFAULTS.publicPaths]
        : stringList("publicPaths", raw.publicPaths),
    cookiePrefix,
    directoryIndex: directoryIndex(raw.directoryIndex),
    validateTimeoutMs: timeout("validateTimeoutMs", raw.validateTimeoutMs, CONFIG_DEFAULTS.validateTimeoutMs),
    idpTimeoutMs: timeout("idpTimeoutMs", raw.idpTimeoutMs, CONFIG_DEFAULTS.idpTimeoutMs),
    validationCacheMaxSeconds: cacheSeconds(raw.validationCacheMaxSeconds),
    logLevel: logLevel(raw.logLevel),
    mode: mode(raw.mode),
    ...parseValidateAuth(raw, validateUrl),
  };
  const roles = requiredRoles(raw.requiredRoles);
  if (roles !== undefined) config.requiredRoles = roles;
  if (clientSecret !== undefined) config.clientSecret = clientSecret;
  if (postLogoutRedirectUri !== undefined) config.postLogoutRedirectUri = postLogoutRedirectUri;
  if (siteOrigin !== undefined) config.siteOrigin = siteOrigin.replace(/\/+$/, "");
  const keys = sessionKeys(raw.sessionKeys, config.mode);
  if (keys) config.sessionKeys = keys;
  accessRules(config);
  parsed.add(config);
  return config;
}

/** Parses config text (config.json or the SSM parameter's value). */
export function parseConfigText(text: string): EdgeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError("(root)", "is not valid JSON", { cause });
  }
  return parseConfig(raw);
}
