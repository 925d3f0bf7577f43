import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const LAMBDAS = ["edge-auth", "validate-api"] as const;

function build(pkg: string): string {
  return execFileSync("node", [join(root, "scripts/build-lambda.mjs"), ...buildArgs(pkg)], {
    cwd: join(root, "packages", pkg),
    encoding: "utf8",
  });
}

// The package's own build script's arguments, so the test builds exactly what `pnpm build` does.
function buildArgs(pkg: string): string[] {
  const script: string = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")).scripts
    .build;
  return script.split(" ").slice(2);
}

describe.each(LAMBDAS)("the %s zip", (pkg) => {
  const zipPath = join(root, "packages", pkg, "dist", `${pkg}.zip`);

  it("is byte-identical when built twice from the same source", () => {
    build(pkg);
    const first = readFileSync(zipPath);
    build(pkg);
    expect(readFileSync(zipPath).equals(first)).toBe(true);
  });

  it("has the handler at its root as index.js with a fixed timestamp", () => {
    const files = unzipSync(readFileSync(zipPath));
    expect(Object.keys(files)).toContain("index.js");
    // The DOS date of 1980-01-01 00:00 is 0x0021 in the local file header.
    const buf = readFileSync(zipPath);
    expect(buf.readUInt16LE(10)).toBe(0);
    expect(buf.readUInt16LE(12)).toBe(0x21);
  });

  it("prints its size when built", () => {
    expect(build(pkg)).toMatch(new RegExp(`${pkg}\\.zip \\d+ B`));
  });
});

describe("the size limit", () => {
  it("fails the build when a zip exceeds --max-zip-bytes", () => {
    const out = mkdtempSync(join(tmpdir(), "size-"));
    expect(() =>
      execFileSync(
        "node",
        [
          join(root, "scripts/build-lambda.mjs"),
          "--name",
          "edge-auth",
          "--entry",
          "src/lambda.ts",
          "--max-zip-bytes",
          "10",
        ],
        { cwd: join(root, "packages/edge-auth"), env: { ...process.env, TMPDIR: out }, stdio: "pipe" },
      ),
    ).toThrow(/over the limit/);
    build("edge-auth");
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
      "@static-sso/validate-api#build",
    ]);
    for (const t of builds) expect(t.cache.status, `${t.taskId}: run 'pnpm build' first`).toBe("HIT");
  });
});
