import { describe, expect, it } from "vitest";
import {
  BROWSER_SITE_HOST,
  browserPageLoadEvent,
  EXAMPLE_DISTRIBUTION,
  viewerRequestEvent,
} from "../src/viewer-request-event.js";

const requestOf = (event: ReturnType<typeof viewerRequestEvent>) => event.Records[0]?.cf.request;

describe("viewerRequestEvent", () => {
  it("builds headers by name: host first, Http-Case keys, a list as one entry per value, each cookie header its own", () => {
    const request = requestOf(
      viewerRequestEvent({
        host: "site.example.com",
        uri: "/a/",
        querystring: "x=1",
        headers: { "Sec-Fetch-Mode": "navigate", accept: ["text/html", "*/*"] },
        cookieHeaders: ["a=1", "b=2"],
      }),
    );

    expect(request?.uri).toBe("/a/");
    expect(request?.querystring).toBe("x=1");
    expect(Object.keys(request?.headers ?? {})).toEqual(["host", "sec-fetch-mode", "accept", "cookie"]);
    expect(request?.headers).toEqual({
      host: [{ key: "Host", value: "site.example.com" }],
      "sec-fetch-mode": [{ key: "Sec-Fetch-Mode", value: "navigate" }],
      accept: [
        { key: "Accept", value: "text/html" },
        { key: "Accept", value: "*/*" },
      ],
      cookie: [
        { key: "Cookie", value: "a=1" },
        { key: "Cookie", value: "b=2" },
      ],
    });
  });

  it("takes header lines as sent: names kept as spelt, repeats folded in order, no host added", () => {
    const event = viewerRequestEvent({
      method: "POST",
      headerLines: [
        ["cookie", "a=1"],
        ["X-Thing", "1"],
        ["COOKIE", "b=2"],
      ],
      distribution: { distributionDomainName: "d.example.net", distributionId: "E1" },
      requestId: "r1",
      clientIp: "127.0.0.1",
    });

    expect(event.Records[0]?.cf.config).toEqual({
      distributionDomainName: "d.example.net",
      distributionId: "E1",
      eventType: "viewer-request",
      requestId: "r1",
    });
    expect(requestOf(event)).toEqual({
      clientIp: "127.0.0.1",
      method: "POST",
      uri: "/",
      querystring: "",
      headers: {
        cookie: [
          { key: "cookie", value: "a=1" },
          { key: "COOKIE", value: "b=2" },
        ],
        "x-thing": [{ key: "X-Thing", value: "1" }],
      },
    });
  });

  it("names the AWS guide's example distribution by default", () => {
    expect(viewerRequestEvent().Records[0]?.cf.config).toMatchObject(EXAMPLE_DISTRIBUTION);
  });
});

describe("browserPageLoadEvent", () => {
  it("is a page load of the bench's site, asking for HTML, with its one Cookie header when given", () => {
    const withCookie = requestOf(browserPageLoadEvent({ uri: "/docs/", cookie: "s=1" }));
    const without = requestOf(browserPageLoadEvent({ uri: "/docs/" }));

    expect(withCookie?.headers.host).toEqual([{ key: "Host", value: BROWSER_SITE_HOST }]);
    expect(withCookie?.headers.accept?.[0]?.value).toContain("text/html");
    expect(withCookie?.headers.cookie).toEqual([{ key: "Cookie", value: "s=1" }]);
    expect(without?.headers.cookie).toBeUndefined();
  });
});
