import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findEmailAddress } from './follow-up-email.js';

describe('findEmailAddress', () => {
  const rows: Array<[string, string | undefined]> = [
    ['ada@example.com', 'ada@example.com'],
    ['Sure: first.last+tag@mail.example.co.uk.', 'first.last+tag@mail.example.co.uk'],
    ['(ada@example.com)', 'ada@example.com'],
    ['write to ada at example dot com', undefined],
    ['user@localhost', undefined],
    ['@example.com', undefined],
  ];
  for (const [text, expected] of rows) {
    it(`finds ${expected ?? 'nothing'} in "${text}"`, () => {
      assert.equal(findEmailAddress(text), expected);
    });
  }
});
