/** One JSON object per line on stdout, as CloudWatch Logs and Powertools expect. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
export const isLogLevel = (value: unknown): value is LogLevel => LOG_LEVELS.includes(value as LogLevel);
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /**
   * Whether a line at `level` would be written, so a caller can skip building its fields. Optional:
   * a logger without it is taken to write every level.
   */
  enabled?(level: LogLevel): boolean;
}

export type LogSink = (line: string) => void;

// Keys whose values are never logged, whatever a caller passes in: a last line of defence, not the plan.
const SECRET_KEYS = /token|secret|password|cookie|authorization|code_verifier|verifier|^code$|signature/i;

// The verdict for a key never changes, and callers use a handful of keys over and over (the edge writes
// one line per request): remember it instead of running the pattern on every key of every line. Bounded,
// so arbitrary keys cannot grow it; past the bound a key is simply tested each time.
const MAX_REMEMBERED_KEYS = 512;
const secretKey = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let verdict = secretKey.get(key);
  if (verdict === undefined) {
    verdict = SECRET_KEYS.test(key);
    if (secretKey.size < MAX_REMEMBERED_KEYS) secretKey.set(key, verdict);
  }
  return verdict;
}

/** Copies `fields` into `out`, secret-looking keys redacted and errors reduced to name, message and code. */
function copyRedacted(out: LogFields, fields: LogFields): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (isSecretKey(key)) out[key] = "[redacted]";
    else if (value instanceof Error)
      out[key] = { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
    else out[key] = value;
  }
}

// toISOString costs about as much as the rest of a line: lines written in the same millisecond share it.
let stampedAt = Number.NaN;
let stamp = "";
function timestamp(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(base: LogFields, options: { sink?: LogSink; level?: LogLevel } = {}): Logger {
  const sink = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
  const min = LEVELS[options.level ?? "info"];
  const safeBase: LogFields = {};
  copyRedacted(safeBase, base); // once, not per line
  const baseKeys = Object.keys(safeBase);
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    // One flat object, stringified once.
    const line: LogFields = { timestamp: timestamp(), level, message };
    for (const key of baseKeys) line[key] = safeBase[key];
    if (fields) copyRedacted(line, fields);
    sink(JSON.stringify(line));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
    enabled: (level) => LEVELS[level] >= min,
  };
}
