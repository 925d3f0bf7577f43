// The private PostgreSQL of the Keycloak tier: what happens when a stop is interrupted or a server is
// left running on the kept data folder. Needs Debian's PostgreSQL (as the Keycloak tier does).
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { findPostgresBinDir, startPostgres } from "../../src/keycloak/start-postgres.js";

const here = dirname(fileURLToPath(import.meta.url));
const skipReason =
  process.env.KEYCLOAK_TIER === "skip"
    ? "KEYCLOAK_TIER=skip"
    : findPostgresBinDir() || process.env.CI
      ? undefined
      : "PostgreSQL is not installed (node stack/scripts/ensure-keycloak.mjs installs it)";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe.skipIf(skipReason !== undefined)(
  `the Keycloak tier's PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let base: string | undefined;
    afterEach(() => {
      if (!base) return;
      // Whatever a failed test left running: SIGQUIT is PostgreSQL's immediate shutdown.
      const pidFile = join(base, "postgres", "data", "postmaster.pid");
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
      if (pid > 0) {
        try {
          process.kill(pid, "SIGQUIT");
        } catch {
          // not running
        }
      }
      rmSync(base, { recursive: true, force: true });
      base = undefined;
    });
    const keptFolder = () => {
      base = mkdtempSync(join(tmpdir(), "static-sso-pg-test-"));
      chmodSync(base, 0o711); // as root, the server runs as 'postgres' and must reach its folder
      return join(base, "postgres");
    };

    it("stops a server left running on the kept data folder (an interrupted stop) and starts again", async () => {
      const dataDir = keptFolder();
      const leftOver = await startPostgres({ dataDir });
      const progress: string[] = [];

      const again = await startPostgres({ dataDir, onProgress: (line) => progress.push(line) });

      try {
        expect(progress.join("\n")).toMatch(/still running .* stopping it/);
        expect(await accepts(again.port)).toBe(true);
        expect(await accepts(leftOver.port)).toBe(false);
      } finally {
        await again.stop();
      }
      expect(await accepts(again.port)).toBe(false);
    }, 120_000);

    it("finishes stopping when SIGINT reaches the caller's whole process group (Ctrl-C pressed again)", async () => {
      const dataDir = keptFolder();
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(here, "fixtures", "stop-under-sigint.ts"), dataDir],
        { detached: true, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

      const steps = output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { step: string; port?: number });
      const port = steps.find((s) => s.step === "started")?.port ?? 0;
      expect(code, output).toBe(0);
      expect(steps.map((s) => s.step)).toEqual(["started", "sigint-ignored", "stopped"]);
      expect(await accepts(port)).toBe(false);
    }, 120_000);
  },
);
