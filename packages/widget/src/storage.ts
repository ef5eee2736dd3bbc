// Browsers throw on storage access in some modes (Safari private windows of old, sandboxed
// iframes, blocked third-party cookies, a full quota), so every access is wrapped and a value
// that could not be stored is kept in memory for the life of the page (STYLE "The widget").

/** The keys this widget writes, all under `hilal:<botId>:`. */
export type StorageName = 'session' | 'identity' | 'outbox';

export interface WidgetStorage {
  get(name: StorageName): string | null;
  set(name: StorageName, value: string): void;
  remove(name: StorageName): void;
  /** Removes every key under the prefix, including ones an older version may have written. */
  clear(): void;
}

/** The backing store, looked up on every access: even reading `window.localStorage` can throw. */
export type StorageSource = () => Storage | null | undefined;

export function createStorage(botId: string, source: StorageSource): WidgetStorage {
  const prefix = `hilal:${botId}:`;
  // Only values whose write failed live here, so a value another tab removed is not resurrected.
  const memory = new Map<string, string>();

  const attempt = <T>(action: (storage: Storage) => T): T | undefined => {
    try {
      const storage = source();
      return storage ? action(storage) : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    get(name) {
      const key = prefix + name;
      return memory.get(key) ?? attempt((s) => s.getItem(key)) ?? null;
    },
    set(name, value) {
      const key = prefix + name;
      const stored = attempt((s) => {
        s.setItem(key, value);
        return true;
      });
      if (stored) memory.delete(key);
      else memory.set(key, value);
    },
    remove(name) {
      const key = prefix + name;
      memory.delete(key);
      attempt((s) => s.removeItem(key));
    },
    clear() {
      for (const key of [...memory.keys()]) if (key.startsWith(prefix)) memory.delete(key);
      attempt((s) => {
        const keys: string[] = [];
        for (let i = 0; i < s.length; i++) {
          const key = s.key(i);
          if (key?.startsWith(prefix)) keys.push(key);
        }
        for (const key of keys) s.removeItem(key);
      });
    },
  };
}

/** `window.localStorage`, if this page may use it. */
export const localStorageSource: StorageSource = () =>
  typeof localStorage === 'undefined' ? null : localStorage;
