import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageList } from '../src/message-list.js';
import type { Message } from '../src/wire.js';

let seq = 0;
const message = (fields: Partial<Message>): Message => ({
  id: `msg_${++seq}`,
  seq,
  conversationId: 'cnv_1',
  clientMessageId: null,
  author: 'bot',
  text: 'hi',
  identitySource: 'anonymous',
  createdAt: 1000 + seq,
  ...fields,
});
const summary = (list: MessageList) => list.items().map((m) => `${m.author}:${m.text}:${m.status}`);

describe('MessageList', () => {
  test('a pending message is confirmed in place, however often it comes back', () => {
    const list = new MessageList();
    list.addPending('c1', 'hello', 1);
    const stored = message({ author: 'visitor', text: 'hello', clientMessageId: 'c1' });
    assert.equal(list.upsert(stored)?.status, 'sending');
    // The send response, the event stream and a retry's duplicate all carry the same message.
    list.upsert(stored);
    list.upsert({ ...stored });
    assert.deepEqual(summary(list), ['visitor:hello:sent']);
    assert.equal(list.items()[0]?.key, 'c:c1');
  });

  test('messages seen twice by id are shown once', () => {
    const list = new MessageList();
    const reply = message({});
    assert.equal(list.upsert(reply), undefined);
    assert.notEqual(list.upsert(reply), undefined);
    assert.equal(list.size, 1);
  });

  test('failed, then retried', () => {
    const list = new MessageList();
    list.addPending('c1', 'hello', 1);
    list.setStatus('c1', 'failed');
    assert.deepEqual(summary(list), ['visitor:hello:failed']);
    list.setStatus('c1', 'sending');
    assert.deepEqual(summary(list), ['visitor:hello:sending']);
    list.upsert(message({ author: 'visitor', text: 'hello', clientMessageId: 'c1' }));
    list.setStatus('c1', 'failed'); // a late failure report does not undo a stored message
    assert.deepEqual(summary(list), ['visitor:hello:sent']);
  });

  test('deltas build a draft that the final message replaces', () => {
    const list = new MessageList();
    list.delta('msg_r', 'Hel', 5);
    list.delta('msg_r', 'lo', 6);
    assert.deepEqual(summary(list), ['bot:Hello:streaming']);
    const final = message({ id: 'msg_r', text: 'Hello!' });
    assert.equal(list.upsert(final)?.status, 'streaming');
    assert.deepEqual(summary(list), ['bot:Hello!:sent']);
    list.delta('msg_r', 'late', 7); // a delta after the final message changes nothing
    assert.deepEqual(summary(list), ['bot:Hello!:sent']);
  });

  test('a final bot message with another id still removes the draft', () => {
    const list = new MessageList();
    list.delta('reply-1', 'Hel', 5);
    list.upsert(message({ text: 'Hello' }));
    assert.deepEqual(summary(list), ['bot:Hello:sent']);
  });

  test('stored messages in seq order, then what is on its way', () => {
    const list = new MessageList();
    list.addPending('c2', 'second', 50);
    list.upsert(message({ id: 'msg_b', seq: 20, text: 'b', createdAt: 9 }));
    list.upsert(message({ id: 'msg_a', seq: 10, text: 'a', createdAt: 99 }));
    list.addPending('c1', 'first', 40);
    assert.deepEqual(
      list.items().map((m) => m.text),
      ['a', 'b', 'first', 'second'],
    );
    assert.equal(list.lastSeq(), 20);
  });

  test('reset shows the history and keeps only unsent messages the history lacks', () => {
    const list = new MessageList();
    list.upsert(message({ text: 'old conversation' }));
    list.addPending('c1', 'stored meanwhile', 1);
    list.addPending('c2', 'still unsent', 2);
    list.delta('r', 'draft', 3);
    list.reset([message({ author: 'visitor', text: 'stored meanwhile', clientMessageId: 'c1' })]);
    assert.deepEqual(summary(list), [
      'visitor:stored meanwhile:sent',
      'visitor:still unsent:sending',
    ]);
  });

  test('clear forgets everything', () => {
    const list = new MessageList();
    list.addPending('c1', 'x', 1);
    list.upsert(message({}));
    list.clear();
    assert.equal(list.size, 0);
    assert.equal(list.lastSeq(), 0);
  });
});
