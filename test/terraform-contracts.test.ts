// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${…}" strings here.
// What the Terraform modules hand the TypeScript code, evaluated by `terraform console` (no provider
// needed) and given to the code itself: the edge function's config, where it looks for it, and the
// validation API's environment. A module that builds something the code refuses fails here, not at the
// first cold start.
import { describe, expect, it } from "vitest";
import { ssmParameterName } from "../packages/edge-auth/src/config/ssm-parameter-name.js";
import { parseConfig } from "../packages/edge-auth/src/config.js";
import { configFromEnv, logLevelFromEnv } from "../packages/validate-api/src/config.js";
import { dirOf, NO_CLI } from "./terraform-dirs.js";
import { block, consoleString, localsFile, tfConsole } from "./terraform-hcl.js";
import { terraformOnPath } from "./terraform-scratch.js";

describe.skipIf(!terraformOnPath)(
  `what the modules hand the TypeScript code, evaluated by terraform console${NO_CLI}`,
  () => {
    it("edge-auth: config JSON the edge's parser accepts, in both modes, signed or not, rotated or not", () => {
      const d = dirOf("modules/edge-auth");
      const [current, previous] = [`k2:${"B".repeat(43)}`, `k1:${"A".repeat(43)}`];
      const configOf = (extra: Record<string, string>, keyPrevious?: string) => {
        // random_bytes cannot be created here: fixed stand-ins (tests/session-keys.tftest.hcl has the real ones).
        const files = {
          "variables.tf": d.files["variables.tf"] ?? "",
          "locals.tf": localsFile(d, ["config_parts", "config_json", "validate_region", "fast_path"]),
          "keys.tf": `locals {\n  session_key_current  = "${current}"\n  session_key_previous = ${keyPrevious ? `"${keyPrevious}"` : "null"}\n}\n`,
        };
        const vars = {
          function_name: "site-auth",
          zip_path: "a.zip",
          session_check_code_path: "a.js",
          issuer: "https://sso.example.com/realms/demo",
          client_id: "static-site",
          validate_url: "https://api.example.com/validate",
          ...extra,
        };
        const r = tfConsole(files, vars, "nonsensitive(local.config_json)");
        expect(r.invalid, r.output).toBe(false);
        const config = JSON.parse(consoleString(r.value)) as Record<string, unknown>;
        expect(() => parseConfig(config), JSON.stringify(config)).not.toThrow();
        return config;
      };
      const route = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate";
      expect(
        configOf({
          client_secret: "s",
          public_paths: '["/public/*"]',
          path_roles: '{"/staff/*" = ["staff"]}',
          validate_route_arn: route,
        }),
      ).toMatchObject({
        clientSecret: "s",
        publicPaths: ["/public/*"],
        requiredRoles: { "/staff/*": ["staff"] },
        validateAuth: "iam",
        validateRegion: "eu-west-1",
        mode: "cloudfront-function",
        sessionKeys: { current },
      });
      expect(configOf({}, previous).sessionKeys).toEqual({ current, previous });
      const lambdaEdge = configOf({ mode: "lambda-edge" });
      // No route: unsigned calls; no site_origin: the handler uses the Host.
      for (const absent of ["sessionKeys", "validateAuth", "validateRegion", "siteOrigin"])
        expect(lambdaEdge).not.toHaveProperty(absent);
    });

    it("edge-auth: the SSM parameter is where the handler looks for its config", () => {
      const d = dirOf("modules/edge-auth");
      const files = {
        "variables.tf": d.files["variables.tf"] ?? "",
        "locals.tf": localsFile(d, ["parameter_name"]),
      };
      const vars = {
        function_name: "site-auth",
        zip_path: "a.zip",
        session_check_code_path: "a.js",
        issuer: "https://i.example",
        client_id: "c",
        validate_url: "https://v.example/validate",
      };
      expect(block(d.resources, "aws_ssm_parameter.this")).toMatchObject({
        type: "SecureString",
        name: "${local.parameter_name}",
      });
      // Replicas run as us-east-1.<function name>; the handler derives the name from its own.
      expect(consoleString(tfConsole(files, vars, "local.parameter_name").value)).toBe(
        ssmParameterName("us-east-1.site-auth"),
      );
    });

    describe("validate-api: the function's environment", () => {
      const d = dirOf("modules/validate-api");
      const files = {
        "variables.tf": d.files["variables.tf"] ?? "",
        "locals.tf": localsFile(d, ["environment"]),
      };
      const base = {
        name: "validate",
        zip_path: "a.zip",
        issuer: "https://sso.example.com/realms/demo",
        audience: '["static-site","other"]',
      };
      const envOf = (vars: Record<string, string>) => {
        const r = tfConsole(files, { ...base, ...vars }, "jsonencode(local.environment)");
        return r.invalid ? undefined : (JSON.parse(consoleString(r.value)) as Record<string, string>);
      };

      it("holds only variables the function reads, and the function accepts it", () => {
        const env =
          envOf({
            jwks_uri: "https://i.example/jwks",
            required_claims: '["sub"]',
            jwks_cache_ttl_seconds: "60",
            jwks_timeout_ms: "500",
            max_token_lifetime_seconds: "3600",
            log_level: "WARN",
          }) ?? {};
        const read = new Set<string>();
        const recording = new Proxy(env, {
          get: (t, k: string) => {
            read.add(k);
            return t[k];
          },
        });
        expect(configFromEnv(recording)).toMatchObject({
          issuer: base.issuer,
          audience: ["static-site", "other"],
          maxTokenLifetimeSeconds: 3600,
        });
        expect(logLevelFromEnv(recording)).toBe("warn");
        expect(Object.keys(env).filter((k) => !read.has(k))).toEqual([]);
        expect(Object.keys(env)).toEqual(expect.arrayContaining(["MAX_TOKEN_LIFETIME_S", "LOG_LEVEL"]));
      });

      it.each([
        ["max_token_lifetime_seconds", ["0", "59", "60", "86400", "2592000", "2592001", "90.5"]],
        ["log_level", ["debug", "INFO", "Warn", "error", "verbose", "trace"]],
      ])(
        "refuses at plan time exactly the %s the function would refuse at cold start",
        (variable, values) => {
          for (const value of values) {
            const env = envOf({ [variable]: value });
            const wouldStart = (() => {
              const raw = {
                ...(env ?? envOf({})),
                [variable === "log_level" ? "LOG_LEVEL" : "MAX_TOKEN_LIFETIME_S"]: value,
              };
              try {
                configFromEnv(raw);
                logLevelFromEnv(raw);
                return true;
              } catch {
                return false;
              }
            })();
            expect(env !== undefined, `${variable} = ${value}`).toBe(wouldStart);
          }
        },
      );
    });
  },
);
