import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const LAMBDAS = ["edge-auth", "validate-api"] as const;

/**
 * Builds a package the way `pnpm build` does, but into a fresh folder: the shipped dist/ is left alone
 * for the test files that run the bundle meanwhile.
 */
function build(pkg: string, options: { tz?: string; extra?: string[] } = {}): { out: string; log: string } {
  const out = mkdtempSync(join(tmpdir(), `build-${pkg}-`));
  const log = execFileSync(
    "node",
    [join(root, "scripts/build-lambda.mjs"), ...buildArgs(pkg), ...(options.extra ?? []), "--outdir", out],
    {
      cwd: join(root, "packages", pkg),
      encoding: "utf8",
      env: { ...process.env, ...(options.tz ? { TZ: options.tz } : {}) },
      stdio: "pipe",
    },
  );
  return { out, log };
}

// The package's own build script's arguments, so the test builds exactly what `pnpm build` does.
function buildArgs(pkg: string): string[] {
  const script: string = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")).scripts
    .build;
  return script.split(" ").slice(2);
}

const zipOf = (pkg: string, out: string) => readFileSync(join(out, `${pkg}.zip`));

describe.each(LAMBDAS)("the %s zip", (pkg) => {
  it("is byte-identical when built twice from the same source, in any time zone", () => {
    const first = zipOf(pkg, build(pkg, { tz: "UTC" }).out);
    for (const tz of ["UTC", "America/New_York", "Asia/Tokyo"])
      expect(zipOf(pkg, build(pkg, { tz }).out).equals(first), tz).toBe(true);
  });

  it("is what `pnpm build` shipped in dist/", () => {
    expect(zipOf(pkg, build(pkg).out).equals(zipOf(pkg, join(root, "packages", pkg, "dist")))).toBe(true);
  });

  it("has the handler at its root as index.js with a fixed timestamp", () => {
    const zip = zipOf(pkg, build(pkg).out);
    expect(Object.keys(unzipSync(zip))).toContain("index.js");
    // The DOS time 00:00 and date 1980-01-01 (0x0021) in the first local file header.
    expect(zip.readUInt16LE(10)).toBe(0);
    expect(zip.readUInt16LE(12)).toBe(0x21);
  });

  it("prints its size when built", () => {
    expect(build(pkg).log).toMatch(new RegExp(`${pkg}\\.zip \\d+ B`));
  });
});

describe("the size limit", () => {
  it("fails the build when a zip exceeds --max-zip-bytes", () => {
    expect(() => build("edge-auth", { extra: ["--max-zip-bytes", "10"] })).toThrow(/over the limit/);
  });

  it("is the Lambda@Edge viewer-request limit of 1 MB for the edge package", () => {
    expect(buildArgs("edge-auth").join(" ")).toContain("--max-zip-bytes 1048576");
  });
});

describe("the turbo build cache", () => {
  // A file zipped in only when present (the edge's config.json) must change the build's hash, or a
  // cached build would ship a zip without it, or with an old one.
  it("counts every file a build may zip in among the build's inputs", () => {
    const inputs: string[] = JSON.parse(readFileSync(join(root, "turbo.json"), "utf8")).tasks.build.inputs;
    for (const pkg of LAMBDAS) {
      const args = buildArgs(pkg);
      const optional = args.flatMap((a, i) => (a === "--include-optional" ? [args[i + 1]] : []));
      for (const file of optional) expect(inputs, `${pkg}: ${file}`).toContain(file);
    }
  });

  // `npm test` builds before the tests run, so every build task's inputs are in the cache by now.
  it("answers a second build with no change from the cache", () => {
    const dry = JSON.parse(
      execFileSync(join(root, "node_modules/.bin/turbo"), ["run", "build", "--dry=json"], {
        cwd: root,
        encoding: "utf8",
      }),
    ) as { tasks: Array<{ taskId: string; command: string; cache: { status: string } }> };
    const builds = dry.tasks.filter((t) => t.command !== "<NONEXISTENT>");
    expect(builds.map((t) => t.taskId).sort()).toEqual([
      "@static-sso/edge-auth#build",
      "@static-sso/session-check#build",
      "@static-sso/validate-api#build",
    ]);
    for (const t of builds) expect(t.cache.status, `${t.taskId}: run 'pnpm build' first`).toBe("HIT");
  });
});
