import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  ChatMessage,
  DeltaEvent,
  ErrorBody,
  HistoryResponse,
  LIVE_EVENTS,
  PostMessageBody,
  PostMessageResponse,
  SessionEndedEvent,
  TypingEvent,
  VERIFY_DETAILS,
  VERIFY_REASONS,
  VerifiedLoadResponse,
  VerifiedResponse,
  VerifyFailedLoadResponse,
  VerifyFailedResponse,
  WidgetConfig,
  WidgetSessionResponse,
} from './widget-api.js';
import { WIDGET_DEFAULTS } from './widget-defaults.js';

const message: ChatMessage = {
  id: 'msg_1',
  seq: 1,
  conversationId: 'cnv_1',
  clientMessageId: null,
  author: 'bot',
  text: 'Hello',
  identitySource: 'anonymous',
  createdAt: 1_700_000_000_000,
};

describe('the widget API schemas (docs/widget-api.md)', () => {
  it('closes every response, so serializing one drops any key it does not list', () => {
    const responses: Record<string, TSchema> = {
      ErrorBody,
      ChatMessage,
      WidgetConfig,
      WidgetSessionResponse,
      VerifiedResponse,
      VerifyFailedResponse,
      VerifiedLoadResponse,
      VerifyFailedLoadResponse,
      HistoryResponse,
      PostMessageResponse,
      TypingEvent,
      DeltaEvent,
      SessionEndedEvent,
    };
    for (const [name, schema] of Object.entries(responses)) {
      assert.equal(schema.additionalProperties, false, name);
    }
  });

  it('keeps claims to sub, name and email', () => {
    const verified = { verified: true, claims: { sub: 'u1' }, expiresAt: 1, session: 'hws_x' };
    assert.ok(Value.Check(VerifiedResponse, verified));
    const named = { ...verified, claims: { sub: 'u1', name: 'Ada', email: 'a@x.io' } };
    assert.ok(Value.Check(VerifiedResponse, named));
    const extra = { ...verified, claims: { sub: 'u1', role: 'admin' } };
    assert.equal(Value.Check(VerifiedResponse, extra), false);
  });

  it('accepts every listed reason and detail code, and no other', () => {
    for (const reason of VERIFY_REASONS) {
      for (const detail of VERIFY_DETAILS) {
        assert.ok(Value.Check(VerifyFailedResponse, { verified: false, reason, detail }));
      }
    }
    const failed = { verified: false, reason: 'malformed', detail: 'empty' };
    assert.equal(Value.Check(VerifyFailedResponse, { ...failed, reason: 'revoked' }), false);
    assert.equal(Value.Check(VerifyFailedResponse, { ...failed, detail: 'unknown' }), false);
  });

  it('lists exp_too_far, docs/contract.md §4’s code for an exp more than 366 days ahead', () => {
    assert.ok(VERIFY_DETAILS.includes('exp_too_far'));
  });

  for (const [clientMessageId, valid] of [
    ['a', true],
    ['Az09_-', true],
    ['x'.repeat(64), true],
    ['', false],
    ['x'.repeat(65), false],
    ['a b', false],
    ['a/b', false],
  ] as const) {
    it(`${valid ? 'accepts' : 'refuses'} the client message id ${JSON.stringify(clientMessageId)}`, () => {
      assert.equal(Value.Check(PostMessageBody, { clientMessageId, text: 'Hi' }), valid);
    });
  }

  it('gives a new bot a config answer that fits the schema', () => {
    assert.ok(Value.Check(WidgetConfig, { botId: 'bot_1', ...WIDGET_DEFAULTS }));
  });

  it('describes each live event by its name', () => {
    assert.deepEqual(Object.keys(LIVE_EVENTS), ['message', 'typing', 'delta', 'session_ended']);
    assert.ok(Value.Check(LIVE_EVENTS.message, message));
    assert.ok(Value.Check(LIVE_EVENTS.typing, { author: 'agent', typing: true }));
    assert.ok(Value.Check(LIVE_EVENTS.delta, { replyId: 'r1', text: 'Hel' }));
    for (const reason of ['logout', 'secret_changed', 'expired', 'max_age']) {
      assert.ok(Value.Check(LIVE_EVENTS.session_ended, { reason }), reason);
    }
    assert.equal(Value.Check(LIVE_EVENTS.session_ended, { reason: 'bored' }), false);
  });

  it('types a history as the server answers it', () => {
    const history: HistoryResponse = {
      identity: 'verified',
      name: 'Ada',
      conversationId: 'cnv_1',
      messages: [message],
    };
    assert.ok(Value.Check(HistoryResponse, history));
    assert.equal(Value.Check(HistoryResponse, { ...history, identity: 'admin' }), false);
  });
});
