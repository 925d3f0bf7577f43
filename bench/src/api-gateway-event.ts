import type { ValidateHandler } from "@static-sso/validate-api";

type ApiEvent = Parameters<ValidateHandler>[0];

/**
 * The event API Gateway (HTTP API, payload format 2.0, IAM authorization) hands the validation API's
 * Lambda for the edge's call: `POST /validate`, the token in a JSON body, the edge's SigV4 headers (API
 * Gateway checked them already; the handler only reads past them), the caller's IAM identity.
 */
export function validateApiEvent(
  token: string,
  host = "abc123.execute-api.eu-west-1.amazonaws.com",
): ApiEvent {
  const body = JSON.stringify({ token });
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const event: ApiEvent = {
    version: "2.0",
    routeKey: "POST /validate",
    rawPath: "/validate",
    rawQueryString: "",
    headers: {
      accept: "application/json",
      authorization: `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE00/${amzDate.slice(0, 8)}/eu-west-1/execute-api/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=${"0".repeat(64)}`,
      "content-length": String(body.length),
      "content-type": "application/json",
      host,
      "user-agent": "node",
      "x-amz-content-sha256": "0".repeat(64),
      "x-amz-date": amzDate,
      "x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE",
      "x-amzn-trace-id": "Root=1-67890abc-0123456789abcdef01234567",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: "POST",
        path: "/validate",
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "node",
      },
      requestId: "Jbench0aaaaEJfA=",
      routeKey: "POST /validate",
      stage: "$default",
      time: "12/Mar/2020:19:03:58 +0000",
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
  return event;
}
