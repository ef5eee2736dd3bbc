import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WidgetConfig } from '@hilal/contract/widget-api';
import { WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_SETTINGS, parseBotSettings } from './bot-settings.js';

// The server's defaults and chat_v3.js's fallback are both @hilal/contract's; they had drifted
// apart when each side wrote its own (#0f766e "Chat with us" here, #2563eb "Chat" there).
describe('bot settings defaults', () => {
  it('are the contract defaults, with no origin list, and identity optional', () => {
    assert.deepEqual(DEFAULT_SETTINGS, {
      ...WIDGET_DEFAULTS,
      allowedOrigins: [],
      identityMode: 'optional',
    });
  });

  it('read identityMode, and take a welcome of 1000 code points in any script', () => {
    const welcome = '🎉'.repeat(1000);
    const settings = parseBotSettings(JSON.stringify({ identityMode: 'required', welcome }));
    assert.equal(settings.identityMode, 'required');
    assert.equal(settings.welcome, welcome);
    assert.equal(parseBotSettings('{"identityMode":"REQUIRED"}').identityMode, 'optional');
  });

  it('fill in whatever the stored settings lack or spoil', () => {
    for (const json of [
      '{}',
      '',
      'not json',
      '[]',
      '{"color":"red","position":"top","title":" ","identityMode":"strict"}',
    ]) {
      assert.deepEqual(parseBotSettings(json), DEFAULT_SETTINGS, json);
    }
  });

  it('answer GET /api/widget/config within the contract', () => {
    const { allowedOrigins: _, ...appearance } = parseBotSettings('{}');
    assert.ok(Value.Check(WidgetConfig, { botId: 'bot_1', ...appearance }));
  });
});
