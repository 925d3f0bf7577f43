export interface StopOnSignalsOptions {
  /** Stops everything the process started. */
  stop: () => Promise<void>;
  /** Ends the process once stop() has finished (process.exit in the CLI). */
  exit: (code: number) => void;
  say: (line: string) => void;
  /** Default SIGINT, SIGTERM, SIGHUP. */
  signals?: NodeJS.Signals[];
  /**
   * How often to check that the parent process is still there (scripts/start.mjs, or the shell):
   * when it has gone (killed without passing the signal on), stop as for SIGTERM. 0: do not watch.
   * Default 1000 ms.
   */
  parentCheckMs?: number;
}

export interface SignalWatch {
  /** Whether a stop is under way. */
  readonly stopping: boolean;
  /** Starts the stop as a signal would (e.g. the start failed); resolves when it is done. */
  stopNow(reason: string): Promise<void>;
  /** Removes the listeners and the parent watch. */
  dispose(): void;
}

const names: Partial<Record<NodeJS.Signals, string>> = { SIGINT: "Ctrl-C" };

/**
 * The first signal stops everything, then exits. Later signals while stopping (Ctrl-C pressed again,
 * a second SIGTERM) are ignored with a line saying so: ending the process then would leave Keycloak's
 * PostgreSQL running, and the next start would find its data folder in use.
 */
export function stopOnSignals(options: StopOnSignalsOptions): SignalWatch {
  const signals = options.signals ?? ["SIGINT", "SIGTERM", "SIGHUP"];
  let running: Promise<void> | undefined;

  const stopNow = (reason: string): Promise<void> => {
    if (running) {
      options.say(`${reason}: still stopping, please wait (Keycloak and PostgreSQL need a few seconds)…`);
      return running;
    }
    options.say(`${reason}: stopping…, please wait`);
    running = options.stop().then(
      () => {
        options.say("stopped");
        options.exit(0);
      },
      (error: unknown) => {
        options.say(`stopping failed: ${(error as Error).message ?? error}`);
        options.exit(1);
      },
    );
    return running;
  };

  const listeners = signals.map((signal) => {
    const listener = () => void stopNow(names[signal] ?? signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });

  const parent = process.ppid;
  const checkMs = options.parentCheckMs ?? 1000;
  const watch =
    checkMs > 0
      ? setInterval(() => {
          if (process.ppid !== parent && !running) void stopNow("the parent process has gone");
        }, checkMs)
      : undefined;
  watch?.unref();

  return {
    get stopping() {
      return running !== undefined;
    },
    stopNow,
    dispose() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      if (watch) clearInterval(watch);
    },
  };
}
