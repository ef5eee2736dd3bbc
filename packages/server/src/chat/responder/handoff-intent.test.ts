import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantsHuman } from './handoff-intent.js';

describe('wantsHuman', () => {
  const rows: Array<[string, boolean]> = [
    ['Can I talk to a human?', true],
    ['HUMAN', true],
    ['I need a live agent', true],
    ['connect me with a representative', true],
    ['is this a real person?', true],
    ['I want to speak to someone', true],
    ['please transfer me to customer service', true],
    ['can I chat with your support team', true],
    ['put me through to the manager', true],
    ['Can I pay in person?', false],
    ['How long does shipping take?', false],
    ['What is your personal data policy?', false],
    ['hello', false],
  ];
  for (const [text, expected] of rows) {
    it(`${expected ? 'asks' : 'does not ask'} for a human: "${text}"`, () => {
      assert.equal(wantsHuman(text), expected);
    });
  }
});
