import type { FunctionEvent } from "./function-sandbox.js";
import { type DistributionInfo, HOP_BY_HOP, type IncomingViewerRequest } from "./viewer-request-event.js";

type ValueMap = FunctionEvent["request"]["headers"];

/** No prototype: a cookie or parameter named `__proto__` is a field like any other. */
const valueMap = (): ValueMap => Object.create(null) as ValueMap;

/**
 * Adds one value under `name`: the first stays in `value`; a repeat adds `multiValue` holding every
 * value, the first included (CloudFront Functions event structure, "Duplicate query strings, headers,
 * and cookies (multiValue array)").
 */
function add(map: ValueMap, name: string, value: string): void {
  const seen = Object.hasOwn(map, name) ? map[name] : undefined;
  if (!seen) {
    map[name] = { value };
    return;
  }
  seen.multiValue ??= [{ value: seen.value }];
  seen.multiValue.push({ value });
}

/** `a=1&b=&c` as `{a: {value: "1"}, b: {value: ""}, c: {value: ""}}`, names and values as sent. */
export function functionQuerystring(query: string): ValueMap {
  const out = valueMap();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    add(out, eq < 0 ? part : part.slice(0, eq), eq < 0 ? "" : part.slice(eq + 1));
  }
  return out;
}

/** Every `Cookie` line's `name=value` pairs, in order, values as sent (quotes and all). */
export function functionCookies(cookieLines: readonly string[]): ValueMap {
  const out = valueMap();
  for (const line of cookieLines)
    for (const pair of line.split(";")) {
      const text = pair.trim();
      if (text === "") continue;
      const eq = text.indexOf("=");
      add(out, (eq < 0 ? text : text.slice(0, eq)).trim(), eq < 0 ? "" : text.slice(eq + 1).trim());
    }
  return out;
}

/**
 * The viewer-request event CloudFront Functions pass (AWS CloudFront developer guide, "CloudFront
 * Functions event structure"): header names lower-case, one field per name with `multiValue` for
 * repeats; `Cookie` headers not among the headers but parsed into `cookies`; the query string parsed
 * into `querystring` (empty object when there is none); the URI as received. Not cloudFrontFunctionEvent
 * (function-sandbox.ts), which builds an event from already-parsed parts for unit tests: this one reads
 * the wire request as the emulator received it.
 */
export function toFunctionEvent(
  req: IncomingViewerRequest,
  distribution: DistributionInfo,
  requestId: string,
): FunctionEvent {
  const q = req.url.indexOf("?");
  const uri = q === -1 ? req.url : req.url.slice(0, q);
  const headers = valueMap();
  const cookieLines: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (HOP_BY_HOP.has(name)) continue;
    if (name === "cookie") cookieLines.push(value);
    else add(headers, name, value);
  }
  return {
    version: "1.0",
    context: {
      distributionDomainName: distribution.distributionDomainName,
      distributionId: distribution.distributionId,
      eventType: "viewer-request",
      requestId,
    },
    viewer: { ip: req.clientIp },
    request: {
      method: req.method,
      uri: uri || "/",
      querystring: functionQuerystring(q === -1 ? "" : req.url.slice(q + 1)),
      headers,
      cookies: functionCookies(cookieLines),
    },
  };
}
