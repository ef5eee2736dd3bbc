import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { askForToken } from '../src/token-provider.js';

describe('askForToken', () => {
  test('returns the token a provider gives, sync or async', async () => {
    assert.equal(await askForToken(async () => 'a.b.c'), 'a.b.c');
    assert.equal(await askForToken(() => 'a.b.c'), 'a.b.c');
  });

  test('no provider, or nothing usable: undefined', async () => {
    assert.equal(await askForToken(undefined), undefined);
    assert.equal(await askForToken(async () => null), undefined);
    assert.equal(await askForToken(() => undefined), undefined);
    assert.equal(await askForToken(async () => ''), undefined);
    // A host may return anything at runtime, whatever its types say.
    assert.equal(await askForToken(() => JSON.parse('42')), undefined);
  });

  test('a provider that throws or rejects does not throw', async () => {
    assert.equal(
      await askForToken(() => {
        throw new Error('backend down');
      }),
      undefined,
    );
    assert.equal(await askForToken(() => Promise.reject(new Error('401'))), undefined);
  });

  test('a provider that never answers is given up on', async () => {
    assert.equal(await askForToken(() => new Promise<string>(() => {}), 1), undefined);
  });
});
