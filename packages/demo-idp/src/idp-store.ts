import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

interface Entry {
  /** A stored model, a secondary index (the id it points at) or a grant's member keys. */
  value: AdapterPayload | string | string[];
  /** Epoch ms; absent: no expiry. */
  expiresAt?: number;
}

const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);

/**
 * oidc-provider's storage (sessions, grants, codes, refresh tokens, interactions) for one IdP instance,
 * optionally mirrored to a JSON file so a restarted IdP keeps its sessions. Written here rather than
 * using oidc-provider's bundled MemoryAdapter because that one keeps a module-wide store (every
 * provider in a process shares it), evicts after 1000 entries, and cannot be saved; a database adapter
 * would be one more service for a demo. Expired entries are dropped when read and when saved.
 */
export class IdpStore {
  readonly #entries = new Map<string, Entry>();
  readonly #file: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(file?: string) {
    this.#file = file;
    if (file && existsSync(file)) {
      try {
        const saved = JSON.parse(readFileSync(file, "utf8")) as Array<[string, Entry]>;
        for (const [key, entry] of saved) if (!this.#expired(entry)) this.#entries.set(key, entry);
      } catch {
        // A damaged store only costs the saved sessions: users log in again.
      }
    }
  }

  #expired(entry: Entry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= Date.now();
  }

  get(key: string): Entry["value"] | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#expired(entry)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: Entry["value"], expiresInSeconds?: number): void {
    this.#entries.set(key, {
      value,
      ...(typeof expiresInSeconds === "number" ? { expiresAt: Date.now() + expiresInSeconds * 1000 } : {}),
    });
    this.#changed();
  }

  delete(key: string): void {
    if (this.#entries.delete(key)) this.#changed();
  }

  /** Marks a stored payload changed in place (consume). */
  touch(): void {
    this.#changed();
  }

  #changed(): void {
    if (!this.#file || this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), 50);
    this.#timer.unref();
  }

  /** Writes the file now (atomically, owner-only); a no-op without a file. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#file) return;
    const live = [...this.#entries].filter(([, e]) => !this.#expired(e));
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(live), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  /** The oidc-provider `adapter` for this store. */
  adapter(): AdapterFactory {
    return (model: string): Adapter => {
      const key = (id: string) => `${model}:${id}`;
      const find = async (id: string | undefined) => {
        const v = id === undefined ? undefined : this.get(key(id));
        return typeof v === "object" && !Array.isArray(v) ? v : undefined;
      };
      const members = (grantId: string) => {
        const v = this.get(`grant:${grantId}`);
        return Array.isArray(v) ? v : [];
      };
      return {
        upsert: async (id, payload, expiresIn) => {
          this.set(key(id), payload, expiresIn);
          if (model === "Session" && payload.uid) this.set(`sessionUid:${payload.uid}`, id, expiresIn);
          if (payload.userCode) this.set(`userCode:${payload.userCode}`, id, expiresIn);
          if (GRANTABLE.has(model) && payload.grantId) {
            const list = members(payload.grantId).filter((k) => this.get(k) !== undefined);
            if (!list.includes(key(id))) list.push(key(id));
            this.set(`grant:${payload.grantId}`, list);
          }
        },
        find: (id) => find(id),
        findByUid: async (uid) => {
          const id = this.get(`sessionUid:${uid}`);
          return typeof id === "string" ? find(id) : undefined;
        },
        findByUserCode: async (userCode) => {
          const id = this.get(`userCode:${userCode}`);
          return typeof id === "string" ? find(id) : undefined;
        },
        consume: async (id) => {
          const payload = await find(id);
          if (payload) {
            payload.consumed = Math.floor(Date.now() / 1000);
            this.touch();
          }
        },
        destroy: async (id) => {
          this.delete(key(id));
        },
        revokeByGrantId: async (grantId) => {
          for (const k of members(grantId)) this.delete(k);
          this.delete(`grant:${grantId}`);
        },
      };
    };
  }
}
