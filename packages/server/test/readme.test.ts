import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../src/errors.js';

const readme = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe('README.md stays true to the code', () => {
  it('documents every client-visible error code with its status and message', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CODES)) {
      assert.ok(readme.includes(`| ${status} | \`${code}\` | ${message} |`), `row for ${code}`);
    }
  });

  it('opens with the two commands: install-and-start, and npm test', () => {
    const opening = readme.split('\n').slice(0, 15).join('\n');
    assert.match(opening, /npm install && npm start/);
    assert.match(opening, /^npm test/m);
  });

  it('lists every configuration variable in its table', () => {
    const source = fs.readFileSync(new URL('../src/config.js', import.meta.url), 'utf8');
    const variables = new Set([...source.matchAll(/get\('([A-Z_]+)'\)/g)].map((match) => match[1]));
    assert.ok(variables.size >= 15);
    for (const variable of variables) assert.ok(readme.includes(`| \`${variable}\` |`), variable);
  });
});
