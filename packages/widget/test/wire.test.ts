// What the widget reads from the server about an ending session and a refused token
// (docs/widget-api.md): known codes are kept, anything else is dropped or called `unknown`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tokenWarning } from '../src/token-warning.js';
import { parseSessionEnded, parseTokenFailure } from '../src/wire.js';

describe('parseSessionEnded', () => {
  test('the four reasons of the contract', () => {
    for (const reason of ['logout', 'secret_changed', 'expired', 'max_age']) {
      assert.equal(parseSessionEnded({ reason }), reason);
    }
  });

  test('a reason this widget does not know is none (the stream just reconnects)', () => {
    assert.equal(parseSessionEnded({ reason: 'maintenance' }), undefined);
    assert.equal(parseSessionEnded(null), undefined);
    assert.equal(parseSessionEnded(['logout']), undefined);
  });
});

describe('parseTokenFailure', () => {
  test('keeps the codes of a 401', () => {
    assert.deepEqual(parseTokenFailure({ reason: 'malformed', detail: 'exp_too_far' }), {
      reason: 'malformed',
      detail: 'exp_too_far',
    });
  });

  test('anything but a code (a proxy page, a token) is unknown, so the console never echoes it', () => {
    assert.deepEqual(parseTokenFailure({ reason: 'eyJhbGciOi.x.y', detail: '<html>' }), {
      reason: 'unknown',
      detail: 'unknown',
    });
    assert.deepEqual(parseTokenFailure(undefined), { reason: 'unknown', detail: 'unknown' });
  });
});

describe('tokenWarning', () => {
  test('names the reason, the detail and the README section; a failed refresh says when', () => {
    const failure = { reason: 'expired', detail: 'expired' };
    assert.equal(
      tokenWarning(failure, false),
      'Hilal: the user token was not verified (expired / expired); the visitor chats as ' +
        'anonymous. Fix: see README.md#failure-reasons',
    );
    assert.match(
      tokenWarning(failure, true),
      /chats as anonymous once the current token expires\./,
    );
  });
});
