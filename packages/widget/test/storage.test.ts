import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStorage } from '../src/storage.js';

/** A Map-backed Storage; `failing` makes the chosen methods throw like a blocked browser. */
function fakeStorage(failing: { get?: boolean; set?: boolean; remove?: boolean } = {}) {
  const data = new Map<string, string>();
  const storage: Storage = {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem(key) {
      if (failing.get) throw new DOMException('denied', 'SecurityError');
      return data.get(key) ?? null;
    },
    setItem(key, value) {
      if (failing.set) throw new DOMException('full', 'QuotaExceededError');
      data.set(key, String(value));
    },
    removeItem(key) {
      if (failing.remove) throw new DOMException('denied', 'SecurityError');
      data.delete(key);
    },
    clear: () => data.clear(),
  };
  return { storage, data };
}

describe('createStorage', () => {
  test('reads and writes under hilal:<botId>:', () => {
    const { storage, data } = fakeStorage();
    const store = createStorage('bot_1', () => storage);
    store.set('session', 'hws_a');
    assert.equal(data.get('hilal:bot_1:session'), 'hws_a');
    assert.equal(store.get('session'), 'hws_a');
    store.remove('session');
    assert.equal(store.get('session'), null);
    assert.equal(data.size, 0);
  });

  test('falls back to memory when even looking up storage throws', () => {
    const store = createStorage('bot_1', () => {
      throw new DOMException('blocked', 'SecurityError');
    });
    assert.equal(store.get('session'), null);
    store.set('session', 'hws_a');
    assert.equal(store.get('session'), 'hws_a');
    store.clear();
    assert.equal(store.get('session'), null);
  });

  test('falls back to memory when storage is missing', () => {
    const store = createStorage('bot_1', () => null);
    store.set('identity', '{}');
    assert.equal(store.get('identity'), '{}');
  });

  test('a write that fails (quota) is kept in memory', () => {
    const { storage, data } = fakeStorage({ set: true });
    const store = createStorage('bot_1', () => storage);
    store.set('outbox', '[1]');
    assert.equal(data.size, 0);
    assert.equal(store.get('outbox'), '[1]');
    store.remove('outbox');
    assert.equal(store.get('outbox'), null);
  });

  test('reads that throw do not throw', () => {
    const { storage } = fakeStorage({ get: true, remove: true });
    const store = createStorage('bot_1', () => storage);
    assert.equal(store.get('session'), null);
    assert.doesNotThrow(() => store.remove('session'));
  });

  test('a value written after the storage recovers replaces the memory copy', () => {
    const failing = { set: true };
    const { storage, data } = fakeStorage(failing);
    const store = createStorage('bot_1', () => storage);
    store.set('session', 'old');
    failing.set = false;
    store.set('session', 'new');
    assert.equal(store.get('session'), 'new');
    assert.equal(data.get('hilal:bot_1:session'), 'new');
  });

  test('clear removes every key of this bot and nothing else', () => {
    const { storage, data } = fakeStorage();
    data.set('hilal:bot_1:session', 'a');
    data.set('hilal:bot_1:identity', 'b');
    data.set('hilal:bot_1:something-older', 'c');
    data.set('hilal:bot_2:session', 'other bot');
    data.set('host-app', 'host');
    createStorage('bot_1', () => storage).clear();
    assert.deepEqual([...data.keys()].sort(), ['hilal:bot_2:session', 'host-app']);
  });
});
