// The embed snippet's stub (README "Pass it to the widget"): one line before the script tag
// defines `window.HilalChat` with `init`, `setUserToken`, `logout`, `open` and `close`, each of
// which pushes `[name, arguments]` onto `HilalChat.q`. So a page may call them before chat_v3.js
// has loaded (`async`, `defer`); once it has, the real API takes the stub's place and makes the
// calls, in order.
import type { HilalChatApi } from './types.js';
import { isObject } from './wire.js';

/** The stub as the snippet defines it; only its queue matters here. */
export interface EmbedStub {
  readonly q: unknown;
}

const QUEUED = ['init', 'setUserToken', 'logout', 'open', 'close'] as const;

export interface QueuedCall {
  readonly method: (typeof QUEUED)[number];
  readonly args: readonly unknown[];
}

/** The calls a stub queued, in order; none when `value` is no stub. Unknown entries are skipped. */
export function queuedCalls(value: unknown): QueuedCall[] {
  if (!isObject(value) || !Array.isArray(value.q)) return [];
  return value.q.flatMap((item: unknown): QueuedCall[] => {
    if (!Array.isArray(item)) return [];
    const method = QUEUED.find((name) => name === item[0]);
    return method ? [{ method, args: listOf(item[1]) }] : [];
  });
}

/** An array, or what `arguments` (array-like, not an array) holds. */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isObject(value) || typeof value.length !== 'number') return [];
  return Array.from({ length: Math.min(value.length, 8) }, (_, i) => value[i]);
}

/**
 * Makes each queued call on `api`, in order. What a call throws, or its promise rejects with,
 * goes to `report` (the console): the host's code that made the call has long returned.
 */
export function replay(
  calls: readonly QueuedCall[],
  api: HilalChatApi,
  report: (error: unknown) => void,
): void {
  for (const { method, args } of calls) {
    try {
      const result: unknown = Reflect.apply(api[method], api, args);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
