// The widget's fallback look is @hilal/contract's, the same the server gives a new bot
// (packages/server/src/bots/bot-settings.ts): written on each side, the two had drifted apart.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';
import { STYLES } from '../src/styles.js';
import { DEFAULT_CONFIG, parseConfig } from '../src/wire.js';

const BUNDLE = new URL('../../dist/chat_v3.js', import.meta.url);

describe('the default look', () => {
  test('is the contract defaults object', () => {
    assert.equal(DEFAULT_CONFIG, WIDGET_DEFAULTS);
  });

  test('fills in what a config answer lacks', () => {
    for (const body of [undefined, null, [], {}, { title: '', color: 7, position: 'top' }]) {
      assert.deepEqual(parseConfig(body), WIDGET_DEFAULTS, JSON.stringify(body));
    }
  });

  test('colours the CSS until the config arrives', () => {
    assert.ok(STYLES.includes(`--accent:${WIDGET_DEFAULTS.color};`));
  });

  test('is what the built chat_v3.js carries, without any TypeBox code', () => {
    const bundle = fs.readFileSync(BUNDLE, 'utf8');
    for (const value of Object.values(WIDGET_DEFAULTS)) {
      assert.ok(bundle.includes(JSON.stringify(value)), value);
    }
    assert.ok(!bundle.includes('TypeBox'), 'TypeBox reached the bundle');
  });
});
