import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * Method and path of a payload 2.0 event, the same for a `$default` route and for explicit ones such as
 * `POST /validate`. With a named stage API Gateway puts `/<stage>` in front of `rawPath`: strip it.
 * Never throws: an event without the expected fields (or with fields of the wrong type) routes as method
 * `""` and path `/`, which the handler answers 404.
 */
export function routeOf(event: APIGatewayProxyEventV2): { method: string; path: string } {
  const context = event?.requestContext;
  const rawMethod = context?.http?.method;
  const method = typeof rawMethod === "string" ? rawMethod.toUpperCase() : "";
  const rawPath = event?.rawPath;
  const contextPath = context?.http?.path;
  let path = typeof rawPath === "string" ? rawPath : typeof contextPath === "string" ? contextPath : "/";
  const stage = context?.stage;
  if (
    typeof stage === "string" &&
    stage &&
    stage !== "$default" &&
    (path === `/${stage}` || path.startsWith(`/${stage}/`))
  ) {
    path = path.slice(stage.length + 1) || "/";
  }
  // Trailing slashes, counted by hand: the pattern /\/+$/ backtracks quadratically on a long run of
  // slashes followed by anything else.
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 0x2f) end--;
  return { method, path: end === path.length ? path : path.slice(0, end) };
}
