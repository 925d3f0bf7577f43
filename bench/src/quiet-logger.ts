import { openSync, writeSync } from "node:fs";
import { devNull } from "node:os";
import { createLogger, type Logger } from "@static-sso/shared";

let devNullFd: number | undefined;

/**
 * The servers the bench runs in its own process log as in production (each line built and written), but
 * to /dev/null, so stdout keeps only the table.
 */
export function quietLogger(fn: string): Logger {
  devNullFd ??= openSync(devNull, "w");
  const fd = devNullFd;
  return createLogger({ fn }, { sink: (line) => writeSync(fd, `${line}\n`) });
}
