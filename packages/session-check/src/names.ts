// The names the function shares with the edge. A module importing nothing, so that esbuild writes the
// values where they are used in the built function rather than as variables.

/** Where Lambda@Edge answers in the fast path (docs/contracts.md, "Edge modes"). */
export const LOGIN_PATH = "/_auth/login";
export const REFRESH_PATH = "/_auth/refresh";
/** KeyValueStore keys, each holding `<kid>:<secret>`: the key the edge mints with, and the one before. */
export const CURRENT_KEY = "session-key-current";
export const PREVIOUS_KEY = "session-key-previous";
/** Longest path and query carried to /_auth/ to come back to (the edge's own limit for it). */
export const MAX_RETURN_PATH = 1024;
