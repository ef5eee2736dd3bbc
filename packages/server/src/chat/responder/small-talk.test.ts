import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smallTalk } from './small-talk.js';

describe('smallTalk', () => {
  const rows: Array<[string, ReturnType<typeof smallTalk>]> = [
    ['hi', 'greeting'],
    ['Hello there!!', 'greeting'],
    ['Good morning, Acme Help 🙂', 'greeting'],
    ['salam', 'greeting'],
    ['السلام عليكم', 'greeting'],
    ['hey, how are you?', 'greeting'],
    ['Thank you so much', 'thanks'],
    ['ok thanks, bye', 'goodbye'],
    ['hi, where is my order?', undefined],
    ['hiking boots', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of rows) {
    it(`reads "${text}" as ${expected ?? 'no small talk'}`, () => {
      assert.equal(smallTalk(text, 'Acme Help'), expected);
    });
  }
});
