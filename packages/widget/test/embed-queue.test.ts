// The embed snippet's stub (README "Pass it to the widget"): calls queued before chat_v3.js loads
// are made, in order, on the real API; what they throw or reject with goes to the console.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queuedCalls, replay } from '../src/embed-queue.js';
import type { HilalChatApi, InitOptions } from '../src/types.js';

/** What the README's one-line stub builds: `arguments` objects, not arrays. */
function stub() {
  const q: unknown[] = [];
  const s: Record<string, unknown> = { q };
  for (const m of ['init', 'setUserToken', 'logout', 'open', 'close']) {
    s[m] = function queued() {
      // biome-ignore lint/complexity/noArguments: the stub in the README pushes `arguments`
      q.push([m, arguments]);
    };
  }
  return s as Record<string, (...args: unknown[]) => void> & { q: unknown[] };
}

/** An API that records its calls; `init` of an unknown bot throws, like the real one. */
function recordingApi(log: string[]): HilalChatApi {
  let started = false;
  const notStarted = (method: string) => {
    if (!started) throw new TypeError(`HilalChat.${method}: call HilalChat.init({ … }) first.`);
  };
  return {
    version: '3.0.0',
    init(options: InitOptions) {
      if (options.botId !== 'bot_1') throw new TypeError('HilalChat.init: botId must be …');
      started = true;
      log.push(`init ${options.botId}`);
      return Promise.resolve();
    },
    setUserToken(token) {
      notStarted('setUserToken');
      log.push(`setUserToken ${token}`);
      return Promise.reject(new Error('rejected'));
    },
    logout() {
      notStarted('logout');
      log.push('logout');
      return Promise.resolve();
    },
    open() {
      notStarted('open');
      log.push('open');
    },
    close() {
      notStarted('close');
      log.push('close');
    },
    state: () => assert.fail('not queued'),
    identity: () => assert.fail('not queued'),
  };
}

describe('the embed stub', () => {
  test('queued calls run in order, with their arguments', () => {
    const s = stub();
    s.init?.({ organizationId: 'org_1', botId: 'bot_1' });
    s.setUserToken?.('a.b.c');
    s.open?.();
    s.close?.();
    s.logout?.();
    const log: string[] = [];
    replay(queuedCalls(s), recordingApi(log), (error) => log.push(`error ${error}`));
    assert.deepEqual(log, ['init bot_1', 'setUserToken a.b.c', 'open', 'close', 'logout']);
  });

  test('what a call throws or rejects with is reported; the calls after it still run', async () => {
    const s = stub();
    s.open?.(); // before init: throws
    s.init?.({ organizationId: 'org_1', botId: 'bot_nope' }); // throws
    s.init?.({ organizationId: 'org_1', botId: 'bot_1' });
    s.setUserToken?.('a.b.c'); // rejects
    s.open?.();
    const log: string[] = [];
    const reported: string[] = [];
    replay(queuedCalls(s), recordingApi(log), (error) => reported.push(String(error)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['init bot_1', 'setUserToken a.b.c', 'open']);
    assert.deepEqual(reported, [
      'TypeError: HilalChat.open: call HilalChat.init({ … }) first.',
      'TypeError: HilalChat.init: botId must be …',
      'Error: rejected',
    ]);
  });

  test('no stub, a loaded API or a queue of anything else: nothing to replay', () => {
    assert.deepEqual(queuedCalls(undefined), []);
    assert.deepEqual(queuedCalls(recordingApi([])), []);
    assert.deepEqual(queuedCalls({ q: 'nope' }), []);
    assert.deepEqual(
      queuedCalls({ q: [null, 'init', ['state', []], ['toString', []], ['open']] }),
      [{ method: 'open', args: [] }],
    );
    // A host that pushes an array rather than `arguments` is understood too.
    assert.deepEqual(queuedCalls({ q: [['setUserToken', ['t']]] }), [
      { method: 'setUserToken', args: ['t'] },
    ]);
  });
});
