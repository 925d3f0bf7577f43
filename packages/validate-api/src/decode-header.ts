import { createLru } from "@static-sso/shared";
import { decodeProtectedHeader, type JWSHeaderParameters } from "jose";

/** Longest encoded header remembered; real ones are about 100 characters. */
const MAX_REMEMBERED_HEADER_CHARS = 1024;

/** How many dots `token` has, counting no further than 5. */
function dots(token: string): number {
  let n = 0;
  for (let i = token.indexOf("."); i !== -1 && n < 5; i = token.indexOf(".", i + 1)) n++;
  return n;
}

/**
 * jose's decodeProtectedHeader, remembered per encoded header. Every token one key signs carries the
 * same header segment, and jose's decoding (atob, TextDecoder, JSON.parse) is a few microseconds, about
 * a twentieth of a whole RS256 verification: the bench holds the handler to 90% of bare jwtVerify. The
 * answer depends only on that segment when the token has 3 or 5 parts (jose's own rule), so other tokens,
 * and every miss, go to jose, and what it throws is thrown as it is. Answers are frozen: they are shared.
 */
export function createHeaderDecoder(maxEntries = 32): (token: string) => JWSHeaderParameters {
  const remembered = createLru<string, JWSHeaderParameters>({ maxEntries });
  // The last header answered, checked first: one key signs nearly every token a container sees, and a
  // prefix comparison costs less than the slice and the LRU's three Map operations on a ~100-char key.
  let lastSegment = "";
  let lastHeader: JWSHeaderParameters | undefined;
  return (token) => {
    const end = token.indexOf(".");
    const parts = dots(token) + 1;
    if (end > MAX_REMEMBERED_HEADER_CHARS || (parts !== 3 && parts !== 5))
      return decodeProtectedHeader(token) as JWSHeaderParameters;
    if (lastHeader !== undefined && end === lastSegment.length && token.startsWith(lastSegment))
      return lastHeader;
    const segment = token.slice(0, end);
    let header = remembered.get(segment);
    if (header === undefined) {
      header = Object.freeze(decodeProtectedHeader(token) as JWSHeaderParameters);
      remembered.set(segment, header);
    }
    lastSegment = segment;
    lastHeader = header;
    return header;
  };
}
