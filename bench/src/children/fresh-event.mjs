// A handler may change the event it is given (remove cookies before the origin sees them, say), so every
// call gets its own copy. Copied by hand because structuredClone costs more than the cached path itself.
export function freshEvent(template, index) {
  const { config, request } = template.Records[0].cf;
  const headers = {};
  for (const name of Object.keys(request.headers)) {
    headers[name] = request.headers[name].map((h) => ({ key: h.key, value: h.value }));
  }
  return {
    Records: [
      {
        cf: {
          config: { ...config, requestId: `${config.requestId}-${index}` },
          request: { ...request, headers },
        },
      },
    ],
  };
}

/** A Lambda context object with the fields handlers read. */
export function lambdaContext(index) {
  return {
    functionName: "us-east-1.bench-edge-auth",
    functionVersion: "1",
    awsRequestId: `bench-${index}`,
    getRemainingTimeInMillis: () => 5000,
  };
}
