import { describe, expect, it } from "vitest";
import { ssmParameterName } from "../../src/config/ssm-parameter-name.js";

describe("ssmParameterName", () => {
  it("drops the region prefix Lambda@Edge puts on the function name", () => {
    expect(ssmParameterName("us-east-1.site-auth")).toBe("/static-sso/edge-auth/site-auth/config");
  });

  it("drops any region prefix a replica runs under", () => {
    expect(ssmParameterName("eu-central-1.site-auth")).toBe("/static-sso/edge-auth/site-auth/config");
  });

  it("uses a plain function name as it is", () => {
    expect(ssmParameterName("site-auth")).toBe("/static-sso/edge-auth/site-auth/config");
  });
});
