/**
 * The one canonical path of a request: what every decision is made on and what the origin is asked for.
 * RFC 3986 normalisation (section 6.2.2) plus what a careful edge must add:
 * - escapes of characters a path may hold raw (RFC 3986 `pchar`: `A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , = : @`)
 *   are decoded, because origins such as S3 serve `/a+b` and `/a%2Bb` as one object; every other escape is
 *   kept with upper-case hex, and raw characters that a path may not hold are escaped (as UTF-8);
 * - dot segments are resolved (RFC 3986 section 5.2.4), trailing and encoded ones too (`%2e` is `.`);
 * - repeated slashes are collapsed;
 * - a folder URL (ending in `/`) is decided as its index document (see `decisionPath`).
 * A path that cannot be made canonical without guessing how the origin reads it is refused: an encoded
 * `/` or `\` (or a raw `\`), a NUL or other control byte, invalid UTF-8, a malformed or double-encoded
 * escape (`%252F`), a raw `?` or `#`, a `;` (servers such as Tomcat read `/staff;x/` as `/staff/`), or a
 * path longer than MAX_PATH_LENGTH.
 *
 * Written by hand, without Node built-ins, because the same code runs in CloudFront Functions; its only
 * RegExps are fixed ones (character classes, `%25` before two hex digits): linear, never built from input.
 */

/** Longer paths are refused: S3 keys stop at 1,024 bytes, CloudFront's whole URL at 8,192. */
export const MAX_PATH_LENGTH = 4096;

export type PathRefusal =
  | "path_not_absolute"
  | "path_too_long"
  | "path_bad_escape"
  | "path_double_encoded"
  | "path_encoded_separator"
  | "path_backslash"
  | "path_control_char"
  | "path_invalid_utf8"
  | "path_query_or_fragment"
  | "path_parameter";

export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: PathRefusal };
type Segment = { ok: true; text: string } | { ok: false; reason: PathRefusal };

const HEX = "0123456789ABCDEF";

/**
 * A character kept raw in a canonical path: RFC 3986 `pchar` but `;` (unreserved `A-Z a-z 0-9 - . _ ~`,
 * sub-delims `! $ & ' ( ) * + , =`, and `:` `@`). Tested on one character at a time.
 */
const KEPT_RAW = /[A-Za-z0-9\-._~!$&'()*+,=:@]/;

/** `%XX`, upper-case hex, for one byte (the session token's UTF-8 text uses it too). */
export const percentEscape = (byte: number): string => {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
};

/**
 * Length of the UTF-8 sequence a lead byte starts (strict, RFC 3629: no overlongs, no surrogates, nothing
 * past U+10FFFF), 0 if invalid: the second byte's range depends on the lead byte, later ones are 80-BF.
 */
const utf8Length = (bytes: number[], at: number): number => {
  const b0 = bytes[at] as number;
  const n = b0 < 0xc2 ? 0 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : b0 < 0xf5 ? 4 : 0;
  for (let k = 1; k < n; k++) {
    // Past the end, undefined: no comparison holds.
    const b = bytes[at + k] as number;
    const lo = k > 1 ? 0x80 : b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
    const hi = k > 1 ? 0xbf : b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
    if (!(b >= lo && b <= hi)) return 0;
  }
  return n;
};

/**
 * One segment's text (no `/` in it) in canonical form. `glob`: a raw `*` or `?` is a wildcard and kept
 * (in a path a raw `?` starts the query), and an escaped `*` is refused, since a path never holds one.
 */
export const canonicalSegment = (raw: string, glob?: boolean): Segment => {
  let out = "";
  let bytes: number[] = [];
  // The escaped bytes read so far, appended to `out`; or why they cannot be.
  const flush = (): PathRefusal | undefined => {
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i] as number;
      if (b < 0x80) {
        if (b < 0x20 || b === 0x7f) return "path_control_char";
        if (b === 0x2f || b === 0x5c) return "path_encoded_separator";
        if (b === 0x3b) return "path_parameter";
        if (glob && b === 0x2a) return "path_bad_escape";
        const char = String.fromCharCode(b);
        out += KEPT_RAW.test(char) ? char : percentEscape(b);
        i++;
        continue;
      }
      const n = utf8Length(bytes, i);
      if (n === 0) return "path_invalid_utf8";
      for (let k = 0; k < n; k++) out += percentEscape(bytes[i + k] as number);
      i += n;
    }
    bytes = [];
    return undefined;
  };
  // The whole segment into `out`; or why it cannot be made canonical (one object built, at the end).
  const scan = (): PathRefusal | undefined => {
    for (let i = 0; i < raw.length; i++) {
      const code = raw.charCodeAt(i);
      if (code === 37 /* % */) {
        const hex = raw.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return "path_bad_escape";
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
      const bad = flush();
      if (bad) return bad;
      if (code < 0x21 || code === 0x7f) return "path_control_char";
      if (code === 92 /* \ */) return "path_backslash";
      if (code === 59 /* ; */) return "path_parameter";
      if (glob && (code === 42 || code === 63)) out += raw[i];
      else if (code === 63 || code === 35) return "path_query_or_fragment";
      else if (KEPT_RAW.test(raw[i] as string)) out += raw[i];
      else if (code < 0x80) out += percentEscape(code);
      else {
        // Raw non-ASCII text: its UTF-8 escapes (a lone surrogate has none).
        const char = code >= 0xd800 && code <= 0xdbff ? raw.slice(i, i + 2) : (raw[i] as string);
        try {
          out += encodeURIComponent(char);
        } catch {
          return "path_invalid_utf8";
        }
        i += char.length - 1;
      }
    }
    const bad = flush();
    if (bad) return bad;
    // `%25` before two hex digits: an origin that decodes twice would read another character there.
    // A fixed RegExp, linear in the text (none is ever built from input or config).
    return /%25[0-9A-Fa-f]{2}/.test(out) ? "path_double_encoded" : undefined;
  };
  const reason = scan();
  return reason ? { ok: false, reason } : { ok: true, text: out };
};

/** The canonical form of a request's URI path (as CloudFront passes it: no query string). */
export const canonicalPath = (uri: string): CanonicalPath => {
  if (uri.length > MAX_PATH_LENGTH * 3) return { ok: false, reason: "path_too_long" };
  if (uri.charCodeAt(0) !== 47) return { ok: false, reason: "path_not_absolute" };
  const out: string[] = [];
  const raw = uri.split("/");
  // raw[0] is the empty text before the leading `/`.
  let folder = false;
  for (let i = 1; i < raw.length; i++) {
    const result = canonicalSegment(raw[i] as string);
    if (!result.ok) return result;
    const segment = result.text;
    // A trailing empty, `.` or `..` segment leaves a folder URL: `/a/b/..` is `/a/`.
    folder = segment === "" || segment === "." || segment === "..";
    if (segment === "..") out.pop();
    else if (!folder) out.push(segment);
  }
  const path = out.length === 0 ? "/" : `/${out.join("/")}${folder ? "/" : ""}`;
  if (path.length > MAX_PATH_LENGTH) return { ok: false, reason: "path_too_long" };
  return { ok: true, path };
};

/**
 * The path an access decision is made on: a folder URL is its index document, because that is the
 * object served for it (by the edge's own rewrite, or by an origin that maps `/x/` to `/x/index.html`).
 */
export const decisionPath = (canonical: string, indexDocument: string): string => {
  return canonical.charCodeAt(canonical.length - 1) === 47 ? canonical + indexDocument : canonical;
};
