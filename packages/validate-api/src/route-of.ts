import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * Method and path of a payload 2.0 event, the same for a `$default` route and for explicit ones such as
 * `POST /validate`. With a named stage API Gateway puts `/<stage>` in front of `rawPath`: strip it.
 */
export function routeOf(event: APIGatewayProxyEventV2): { method: string; path: string } {
  const method = (event.requestContext?.http?.method ?? "").toUpperCase();
  let path = event.rawPath ?? event.requestContext?.http?.path ?? "/";
  const stage = event.requestContext?.stage;
  if (stage && stage !== "$default" && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    path = path.slice(stage.length + 1) || "/";
  }
  if (path.length > 1) path = path.replace(/\/+$/, "");
  return { method, path };
}
