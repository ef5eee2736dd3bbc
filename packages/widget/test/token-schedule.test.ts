import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeTokenHints, MAX_TIMER_MS, refreshDelayMs } from '../src/token-schedule.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (payload: unknown) =>
  `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.sig`;

describe('decodeTokenHints', () => {
  test('reads sub and exp without verifying', () => {
    assert.deepEqual(decodeTokenHints(token({ sub: 'user-1', exp: 1_800_000_000 })), {
      sub: 'user-1',
      exp: 1_800_000_000,
    });
  });

  test('an integer sub is kept as its decimal string, like the server does (docs/contract.md §4 rule 4)', () => {
    assert.deepEqual(decodeTokenHints(token({ sub: 42 })), { sub: '42' });
  });

  test('decodes UTF-8 payloads', () => {
    assert.equal(decodeTokenHints(token({ sub: 'Zoë-☃', exp: 1 })).sub, 'Zoë-☃');
  });

  test('ignores what it cannot use', () => {
    for (const bad of [
      '',
      'abc',
      'a.b.c',
      `x.${Buffer.from('not json').toString('base64url')}.y`,
      `x.${b64url([1])}.y`,
      `x.${b64url({ sub: '', exp: 'soon' })}.y`,
      `x.${b64url({ sub: 1.5, exp: null })}.y`,
      'x.a+b/c=.y',
    ]) {
      assert.deepEqual(decodeTokenHints(bad), {}, bad);
    }
  });
});

describe('refreshDelayMs', () => {
  const now = 1_000_000_000_000; // epoch ms

  test('a long token is refreshed 30 s before exp', () => {
    assert.equal(refreshDelayMs(now / 1000 + 600, now), 570_000);
    assert.equal(refreshDelayMs(now / 1000 + 3600, now), 3_570_000);
  });

  test('a short token is refreshed at 80% of what remains', () => {
    assert.equal(refreshDelayMs(now / 1000 + 60, now), 48_000);
    assert.equal(refreshDelayMs(now / 1000 + 10, now), 8000);
    assert.equal(refreshDelayMs(now / 1000 + 150, now), 120_000);
  });

  test('the refresh always comes before exp', () => {
    for (const seconds of [1, 2, 29, 31, 149, 151, 300, 86_400]) {
      const delay = refreshDelayMs(now / 1000 + seconds, now);
      assert.ok(delay > 0 && delay < seconds * 1000, `${seconds}s → ${delay}ms`);
    }
  });

  test('an expired token is refreshed at once', () => {
    assert.equal(refreshDelayMs(now / 1000, now), 0);
    assert.equal(refreshDelayMs(now / 1000 - 5, now), 0);
    assert.equal(refreshDelayMs(Number.NaN, now), 0);
  });

  test('a token for months needs its wait taken in steps (timers overflow past 2^31-1 ms)', () => {
    assert.ok(refreshDelayMs(now / 1000 + 90 * 86_400, now) > MAX_TIMER_MS);
  });
});
