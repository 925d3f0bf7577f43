import { createLogger, type Logger } from "@static-sso/shared";

export interface LogCapture {
  /** Every line written so far, as written (JSON text). */
  readonly lines: string[];
  /** For createHandler's `logSink` (edge). */
  sink(line: string): void;
  /** For the validation API's `logger` option. */
  logger: Logger;
  /** Parsed lines that have `field` equal to `value`. */
  find(field: string, value: unknown): Array<Record<string, unknown>>;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const sink = (line: string) => {
    lines.push(line);
  };
  return {
    lines,
    sink,
    // Every level: the secret scans read the lines a plain success writes at debug too. The handler adds
    // `fn: "validate-api"` to each line.
    logger: createLogger({}, { sink, level: "debug" }),
    find: (field, value) =>
      lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l[field] === value),
  };
}
