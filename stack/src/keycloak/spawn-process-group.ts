import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

export interface ProcessGroup {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<number>();
let exitHookInstalled = false;

/**
 * Spawns a command as the leader of its own process group, so stop() also ends whatever it started
 * (kc.sh execs java, but a wrapper could fork). A process 'exit' hook kills groups still running,
 * so a crashed test run leaves nothing behind.
 */
export function spawnProcessGroup(command: string, args: string[], options: SpawnOptions): ProcessGroup {
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  installExitHook();
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      if (pid !== undefined) running.delete(pid);
      resolve(code ?? signal ?? "unknown");
    });
    child.once("error", (error) => {
      if (pid !== undefined) running.delete(pid);
      resolve(error.message);
    });
  });
  const stop = async (graceMs = 20_000): Promise<void> => {
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
    killGroup(pid, "SIGKILL"); // anything left in the group after the leader ended
  };
  return { child, exited, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pid of running) killGroup(pid, "SIGKILL");
  });
}
