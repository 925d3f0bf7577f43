import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { SsoError } from "@static-sso/shared";

/**
 * A local CloudFront KeyValueStore: a JSON file in the format `aws cloudfront create-key-value-store
 * --import-source` takes (`{"data": [{"key": "...", "value": "..."}]}`), so the same file can seed a real
 * store. Read again whenever it changes on disk, so rotating keys needs no restart.
 */
export interface KvsFileEntry {
  key: string;
  value: string;
}

/** The file is not a store CloudFront would import. */
export class KvsFileError extends SsoError {
  constructor(message: string) {
    super("kvs_file_invalid", message);
  }
}

/** CloudFront's own limits: keys up to 512 bytes, values up to 1 KB. */
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 1024;

function parseKvs(text: string, file: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new KvsFileError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const data = (raw as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new KvsFileError(`${file} needs {"data": [{key, value}]}`);
  const out = new Map<string, string>();
  for (const entry of data as KvsFileEntry[]) {
    if (typeof entry?.key !== "string" || typeof entry.value !== "string")
      throw new KvsFileError(`${file}: every entry needs a string key and value`);
    if (Buffer.byteLength(entry.key) > MAX_KEY_BYTES || Buffer.byteLength(entry.value) > MAX_VALUE_BYTES)
      throw new KvsFileError(`${file}: ${entry.key} is over CloudFront's key or value size`);
    out.set(entry.key, entry.value);
  }
  return out;
}

/** The store's entries, re-read when the file's size or modification time changes. */
export function kvsFileReader(file: string): () => ReadonlyMap<string, string> {
  let seen = "";
  let entries: Map<string, string> = new Map();
  return () => {
    const s = statSync(file);
    const stamp = `${s.mtimeMs}:${s.size}`;
    if (stamp !== seen) {
      entries = parseKvs(readFileSync(file, "utf8"), file);
      seen = stamp;
    }
    return entries;
  };
}

/** Writes the store atomically (a reader never sees half a file), readable by its owner only: it holds keys. */
export function writeKvsFile(file: string, entries: Record<string, string>): void {
  const data = Object.entries(entries).map(([key, value]) => ({ key, value }));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ data }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
