/**
 * The session token's format and limits (session-token.ts). A module of its own, importing nothing, so
 * that esbuild writes the values where they are used in the CloudFront Function rather than as variables.
 */

export const SESSION_TOKEN_VERSION = "v1";
/** Longest cookie value looked at; anything longer is refused before any work. */
export const MAX_SESSION_TOKEN_LENGTH = 2048;
export const MAX_SUBJECT_LENGTH = 255;
export const MAX_ROLES = 32;
export const MAX_ROLE_LENGTH = 64;
/** A token valid for longer than this from now is refused: the edge mints for minutes, never days (24 h). */
export const MAX_SESSION_TOKEN_SECONDS = 86400;
/** 32 random bytes as base64url: secrets shorter than 256 bits are refused on both sides. */
export const MIN_SECRET_LENGTH = 43;
export const MAX_SECRET_LENGTH = 256;
export const MAX_KID_LENGTH = 32;
/** HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. */
export const SIGNATURE_LENGTH = 43;
