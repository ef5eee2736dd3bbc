import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIdentityRecord } from '../src/identity-record.js';

describe('parseIdentityRecord', () => {
  test('reads what the widget stored', () => {
    const record = { source: 'verified', sub: 'user-1', name: 'Ada' };
    assert.deepEqual(parseIdentityRecord(JSON.stringify(record)), record);
    assert.deepEqual(
      parseIdentityRecord('{"source":"self-reported","name":"Bo","email":"b@x.io"}'),
      { source: 'self-reported', name: 'Bo', email: 'b@x.io' },
    );
  });

  test('anything else is an anonymous visitor', () => {
    for (const text of [null, '', '{', '[]', '"verified"', 'null', '{"source":"admin"}']) {
      assert.deepEqual(parseIdentityRecord(text), { source: 'anonymous' }, String(text));
    }
  });

  test('drops fields of the wrong type', () => {
    assert.deepEqual(parseIdentityRecord('{"source":"verified","sub":7,"name":""}'), {
      source: 'verified',
    });
  });
});
