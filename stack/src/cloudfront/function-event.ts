import type { FunctionEvent } from "./function-sandbox.js";
import {
  type DistributionInfo,
  endToEndLines,
  type IncomingViewerRequest,
  splitTarget,
} from "./viewer-request-event.js";

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
  const { uri, querystring } = splitTarget(req.url);
  const headers = valueMap();
  const cookieLines: string[] = [];
  for (const [key, value] of endToEndLines(req.rawHeaders)) {
    const name = key.toLowerCase();
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
      uri,
      querystring: functionQuerystring(querystring),
      headers,
      cookies: functionCookies(cookieLines),
    },
  };
}
