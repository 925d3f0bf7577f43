/** One JSON object per line on stdout, as CloudWatch Logs and Powertools expect. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

// Keys whose values are never logged, whatever a caller passes in: a last line of defence, not the plan.
const SECRET_KEYS = /token|secret|password|cookie|authorization|code_verifier|verifier|^code$|signature/i;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEYS.test(key)) out[key] = "[redacted]";
    else if (value instanceof Error)
      out[key] = { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
    else out[key] = value;
  }
  return out;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(base: LogFields, options: { sink?: LogSink; level?: LogLevel } = {}): Logger {
  const sink = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
  const min = LEVELS[options.level ?? "info"];
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    sink(
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level,
        message,
        ...redact(base),
        ...(fields ? redact(fields) : {}),
      }),
    );
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
}
