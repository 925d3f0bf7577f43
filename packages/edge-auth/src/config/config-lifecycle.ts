import { createDeadline, type Deadline, type Logger } from "@static-sso/shared";
import type { EdgeConfig } from "../config.js";
import type { ConfigSource } from "./load-config.js";

/** After a failed config load, requests in this window get the 503 at once; the next one after it retries. */
export const CONFIG_RETRY_MS = 5000;
/** A config from SSM is read again after this long (in the background), so a change reaches warm containers. */
export const CONFIG_RELOAD_MS = 5 * 60 * 1000;

export type LoadConfig = (
  functionName: string,
  deadline?: Deadline,
) => Promise<{ config: EdgeConfig; source: ConfigSource }>;

/** Thrown by `first` while a failed load is in its retry window: no new SSM call until it ends. */
export class ConfigBackoff extends Error {
  readonly code = "config_backoff";
}

export interface ConfigLifecycle<T> {
  /** What the last good config built, or undefined before the first load; may start a background reload. */
  ready(functionName: string): T | undefined;
  /** The first load (shared by concurrent cold requests). Rejects with the load's error or ConfigBackoff. */
  first(functionName: string, deadline: Deadline): Promise<T>;
}

/**
 * The config's life in one container: loaded once (a failure retried after CONFIG_RETRY_MS, not per
 * request), an SSM config read again every CONFIG_RELOAD_MS without holding up a request, and `build`
 * run again only when the config changed (so the caches it holds survive an unchanged reload).
 */
export function configLifecycle<T>(
  load: LoadConfig,
  build: (config: EdgeConfig) => T,
  logger: Logger,
  now: () => number,
): ConfigLifecycle<T> {
  let built: T | undefined;
  let loading: Promise<T> | undefined;
  let failedAt: number | undefined;
  // The last good config (as JSON, to tell a changed one) and when to read SSM again; none for a file.
  let current: string | undefined;
  let reloadAt: number | undefined;

  const adopt = (config: EdgeConfig, source: ConfigSource): T => {
    const text = JSON.stringify(config);
    if (built === undefined || text !== current) {
      built = build(config);
      current = text;
    }
    reloadAt = source.kind === "ssm" ? now() + CONFIG_RELOAD_MS : undefined;
    return built;
  };

  /** A failed reload keeps the last good config (and its caches); the next period tries again. */
  const reloadInBackground = (functionName: string) => {
    reloadAt = undefined; // one reload at a time
    const before = current;
    load(functionName, createDeadline(now))
      .then(({ config, source }) => {
        adopt(config, source);
        if (current !== before) logger.info("config reloaded", { changed: true });
      })
      .catch((error: unknown) => {
        reloadAt = now() + CONFIG_RELOAD_MS;
        logger.warn("config reload failed, keeping the last good config", errorFields(error));
      });
  };

  return {
    ready(functionName) {
      if (built !== undefined && reloadAt !== undefined && now() >= reloadAt)
        reloadInBackground(functionName);
      return built;
    },
    first(functionName, deadline) {
      if (failedAt !== undefined && now() - failedAt < CONFIG_RETRY_MS)
        return Promise.reject(new ConfigBackoff("backoff"));
      // `.catch` after `.then`: a config that loads but does not build (a ConfigError) is a failure too.
      loading ??= load(functionName, deadline)
        .then(({ config, source }) => {
          const handler = adopt(config, source);
          logger.info("config loaded", {
            source: source.kind,
            from: source.kind === "file" ? "config.json" : source.name,
          });
          failedAt = undefined;
          return handler;
        })
        .catch((error: unknown) => {
          failedAt = now();
          loading = undefined;
          throw error;
        });
      return loading;
    },
  };
}

/** The log fields of a config error: its code, the field it names and its message (never the config). */
export function errorFields(error: unknown): Record<string, string | undefined> {
  const e = error as { code?: string; message?: string; field?: string } | null;
  return { errorCode: e?.code, field: e?.field, detail: e?.message };
}
