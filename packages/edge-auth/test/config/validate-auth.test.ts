import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";

const BASE = {
  issuer: "https://idp.example.com/realms/demo",
  clientId: "site",
  validateUrl: "https://abc123.execute-api.eu-central-1.amazonaws.com/validate",
};
const fieldOf = (raw: Record<string, unknown>) => {
  try {
    parseConfig({ ...BASE, ...raw });
  } catch (error) {
    return (error as { field?: string }).field;
  }
  return undefined;
};

describe("validateAuth and validateRegion", () => {
  it("default to no signing, so configs written before them keep working", () => {
    expect(parseConfig(BASE)).toMatchObject({ validateAuth: "none" });
    expect(parseConfig(BASE).validateRegion).toBeUndefined();
  });

  it("take the region from an execute-api host when signing", () => {
    expect(parseConfig({ ...BASE, validateAuth: "iam" })).toMatchObject({
      validateAuth: "iam",
      validateRegion: "eu-central-1",
    });
  });

  it("prefer a given region (a custom domain in front of the API)", () => {
    const config = parseConfig({
      ...BASE,
      validateUrl: "https://auth-api.example.com/validate",
      validateAuth: "iam",
      validateRegion: "us-west-2",
    });
    expect(config.validateRegion).toBe("us-west-2");
  });

  it("need a region for any other host when signing, and name the field", () => {
    expect(fieldOf({ validateUrl: "https://auth-api.example.com/validate", validateAuth: "iam" })).toBe(
      "validateRegion",
    );
  });

  it("refuse other values", () => {
    expect(fieldOf({ validateAuth: "sigv4" })).toBe("validateAuth");
    expect(fieldOf({ validateAuth: "iam", validateRegion: "Europe" })).toBe("validateRegion");
  });
});
