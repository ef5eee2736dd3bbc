import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, retryAfterMs } from '../src/backoff.js';

describe('backoffDelay', () => {
  test('doubles from the base up to the cap', () => {
    const top = { random: () => 0.999_999 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, top)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
  });

  test('jitter keeps each delay within [half, full]', () => {
    assert.equal(backoffDelay(2, { random: () => 0 }), 2000);
    assert.equal(backoffDelay(2, { random: () => 0.5 }), 3000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(3);
      assert.ok(delay >= 4000 && delay <= 8000, String(delay));
    }
  });

  test('custom base and cap; huge attempt counts do not overflow', () => {
    assert.equal(backoffDelay(0, { baseMs: 250, random: () => 0.999_999 }), 250);
    assert.equal(backoffDelay(1e6, { maxMs: 5000, random: () => 0.999_999 }), 5000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1);
  test('seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs('0', now), 0);
    assert.equal(retryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(retryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
  });
  test('absent or unusable', () => {
    assert.equal(retryAfterMs(null, now), undefined);
    assert.equal(retryAfterMs('', now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });
});
