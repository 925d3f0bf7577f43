// Issue #18: authorization holds for what the origin serves. Each finding is tried through the real edge
// handler (with the real validation API behind it and a really signed token): the decision must hold for
// the object the origin is then asked for, whatever spelling of its URL the viewer used.
import { createHmac, randomBytes } from "node:crypto";
import { mintSessionToken } from "@static-sso/authz-core";
import { createHandler } from "@static-sso/edge-auth";
import { PAGE_LOAD_HEADERS, viewerRequestEvent } from "@static-sso/testing";
import type { CloudFrontRequest } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCESS_COOKIE,
  generated,
  SITE_HOST,
  startTokenTarget,
  type TokenTarget,
} from "../src/token-target.js";

// Both edge modes: the original design (the access token checked with the validation API) and the fast
// path (the edge checks its signed session cookie as the CloudFront Function does).
const MODES = ["lambda-edge", "cloudfront-function"] as const;
let mode: (typeof MODES)[number] = "lambda-edge";
const KEY = { kid: "k1", secret: randomBytes(32).toString("base64url") };
const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("base64url");

let t: TokenTarget;
/** bob, signed in without the role `staff`: his access token, and his fast-path session cookie. */
let bob: string;
let bobSession: string;
beforeAll(async () => {
  t = await startTokenTarget();
  bob = await t.sign({ sub: "bob-id", preferred_username: "bob", realm_access: { roles: [] } });
  const now = Math.floor(Date.now() / 1000);
  bobSession = mintSessionToken({ sub: "bob-id", roles: [], exp: now + 300, refresh: true }, KEY, hmac, now);
});
afterAll(async () => {
  await t?.close();
});

function edgeWith(extra: Record<string, unknown>, logSink?: (line: string) => void) {
  return createHandler(
    {
      issuer: t.issuer.issuer,
      clientId: "site",
      validateUrl: t.api.validateUrl,
      publicPaths: ["/public/*"],
      ...(mode === "cloudfront-function"
        ? { mode, sessionKeys: { current: `${KEY.kid}:${KEY.secret}` } }
        : {}),
      ...extra,
    },
    logSink ? { logSink } : {},
  );
}

async function ask(edge: ReturnType<typeof edgeWith>, uri: string) {
  const cookie = mode === "lambda-edge" ? `${ACCESS_COOKIE}=${bob}` : `__Host-sso-session=${bobSession}`;
  return edge(
    viewerRequestEvent({ host: SITE_HOST, uri, headers: { ...PAGE_LOAD_HEADERS, cookie: [cookie] } }),
  );
}

/** The path the origin is asked for, or undefined when the edge answered itself. */
function forwarded(result: Awaited<ReturnType<typeof ask>>): string | undefined {
  return generated(result) ? undefined : (result as CloudFrontRequest).uri;
}

describe.each(MODES)("mode %s", (m) => {
  beforeAll(() => {
    mode = m;
  });

  describe("finding 1: a role rule holds for every URL that serves the same object", () => {
    const shapes: Array<[string, Record<string, string[]>, string[]]> = [
      [
        "files of a folder",
        { "/staff/*.html": ["staff"] },
        ["/staff/", "/staff/index.html", "/staff/a.html"],
      ],
      ["the index file", { "/admin/index.html": ["admin"] }, ["/admin/", "/admin/index.html"]],
      ["the folder URL", { "/team/": ["staff"] }, ["/team/", "/team/index.html", "/team/./", "/team//"]],
      ["the root index", { "/index.html": ["staff"] }, ["/", "/index.html", "//", "/."]],
    ];
    for (const [name, requiredRoles, uris] of shapes) {
      const edge = () => edgeWith({ requiredRoles });
      for (const uri of uris) {
        it(`a rule for ${name} (${JSON.stringify(requiredRoles)}) refuses ${uri} to a user without the role`, async () => {
          expect(generated(await ask(edge(), uri))?.status).toBe("403");
        });
      }
    }
    it("forwards exactly the path it decided on (the folder URL goes on as its index file)", async () => {
      const edge = edgeWith({ requiredRoles: { "/staff/*": ["staff"] } });
      expect(forwarded(await ask(edge, "/docs/"))).toBe("/docs/index.html");
      expect(forwarded(await ask(edge, "/docs/./a/../b.html"))).toBe("/docs/b.html");
      expect(forwarded(await ask(edge, "/d%6fcs//%7Ea.html"))).toBe("/docs/~a.html");
    });
  });

  describe("finding 2: dot segments and their encodings are resolved before the decision", () => {
    const edge = () => edgeWith({ requiredRoles: { "/staff/*": ["staff"] } });
    const variants = [
      "/staff/.",
      "/staff/%2e",
      "/staff/%2E/",
      "/staff/x/..",
      "/staff/x/%2e%2e",
      "/staff/x/.%2E/",
      "/staff//x/..//",
      "//staff/./",
      "/public/../staff/",
      "/public/%2e%2e/staff/index.html",
      "/st%61ff/",
      "/staff/./index.html",
    ];
    for (const uri of variants) {
      it(`${JSON.stringify(uri)} is decided as the staff page it resolves to: 403 for bob`, async () => {
        expect(generated(await ask(edge(), uri))?.status).toBe("403");
      });
    }
    const unguessable = [
      "/public/..%2Fstaff/",
      "/public/..%5Cstaff/",
      "/public\\..\\staff/",
      "/staff%00/",
      "/staff/%0a",
      "/%C0%AEstaff/",
      "/%E0%A4%A",
      "/a%ZZ",
      "/public/..%252Fstaff/",
      `/public/${"a".repeat(5000)}`,
    ];
    for (const uri of unguessable) {
      it(`${JSON.stringify(uri.slice(0, 40))} cannot be made canonical without guessing: 400, never forwarded`, async () => {
        const answer = generated(await ask(edge(), uri));
        expect(answer?.status).toBe("400");
      });
    }
  });

  describe("finding 3: globs run in time linear in the path", () => {
    it("a many-star rule against a long crafted path answers at once", async () => {
      const edge = edgeWith({ requiredRoles: { "/assets/*/*/*/*/*/*/*.js": ["staff"] } });
      const uri = `/assets/${"a/".repeat(1900)}b`;
      const started = Date.now();
      const answer = await ask(edge, uri);
      // Generous: a backtracking matcher takes minutes here; a linear one well under a millisecond.
      expect(Date.now() - started).toBeLessThan(2000);
      expect(forwarded(answer)).toBe(uri);
    });
  });

  describe("finding 4: rules fail closed", () => {
    it("a path under both a public rule and a role rule needs the roles, and the overlap is logged", async () => {
      const lines: string[] = [];
      const edge = edgeWith(
        { publicPaths: ["/public/*"], requiredRoles: { "/public/secret/*": ["staff"] } },
        (l) => lines.push(l),
      );
      expect(generated(await ask(edge, "/public/secret/a.html"))?.status).toBe("403");
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === "warn");
      expect(warning?.message).toMatch(/overlap/);
      expect(JSON.stringify(warning)).toContain("/public/*");
      expect(JSON.stringify(warning)).toContain("/public/secret/*");
    });
    for (const [name, extra] of [
      ["an unknown key", { requiredRole: ["staff"] }],
      ["a glob with a dot segment", { publicPaths: ["/public/../*"] }],
      ["a glob with an encoded slash", { publicPaths: ["/public%2F*"] }],
      ["roles of the wrong type", { requiredRoles: { "/staff/*": "staff" } }],
    ] as const) {
      it(`a config with ${name} is refused when the handler is made`, () => {
        expect(() => edgeWith(extra)).toThrow(/config/i);
      });
    }
  });
});
