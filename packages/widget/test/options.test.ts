import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canSendToken, resolveOptions } from '../src/options.js';

const ids = {
  organizationId: 'org_0123456789abcdef01234567',
  botId: 'bot_0123456789abcdef01234567',
};
const server = 'https://chat.example.com';

describe('resolveOptions', () => {
  test('accepts the documented options', () => {
    const provider = async () => 'token';
    const options = resolveOptions(
      {
        ...ids,
        userToken: 'a.b.c',
        user: { name: ' Ada ', email: '' },
        userTokenProvider: provider,
      },
      server,
    );
    assert.equal(options.orgId, ids.organizationId);
    assert.equal(options.botId, ids.botId);
    assert.equal(options.serverUrl, server);
    assert.equal(options.token, 'a.b.c');
    assert.deepEqual(options.user, { name: 'Ada' });
    assert.equal(typeof options.provider, 'function');
  });

  test('empty values count as absent (a template that rendered nothing)', () => {
    const options = resolveOptions(
      { ...ids, userToken: '', user: { name: '', email: '  ' } },
      server,
    );
    assert.equal(options.token, undefined);
    assert.equal(options.user, undefined);
  });

  test('serverUrl: an absolute http(s) URL, kept with its path, without a trailing slash', () => {
    assert.equal(
      resolveOptions({ ...ids, serverUrl: 'https://x.example/hilal/' }, server).serverUrl,
      'https://x.example/hilal',
    );
    assert.equal(resolveOptions(ids, 'http://localhost:3000').serverUrl, 'http://localhost:3000');
  });

  test('appearance: only the fields set, each checked; absent is the saved look', () => {
    assert.deepEqual(resolveOptions(ids, server).appearance, {});
    assert.deepEqual(
      resolveOptions(
        { ...ids, appearance: { color: '#B91C1C', title: ' Help ', position: 'left' } },
        server,
      ).appearance,
      { color: '#B91C1C', title: 'Help', position: 'left' },
    );
    assert.deepEqual(
      resolveOptions({ ...ids, appearance: { title: '', position: undefined } }, server).appearance,
      {},
    );
  });

  const misuse: Array<[string, unknown, RegExp]> = [
    ['appearance as a string', { ...ids, appearance: 'red' }, /appearance must be an object/],
    ['a colour name', { ...ids, appearance: { color: 'red' } }, /appearance.color must be #/],
    ['a position of "top"', { ...ids, appearance: { position: 'top' } }, /appearance.position/],
    ['no options', undefined, /expected an options object/],
    ['an array', [], /expected an options object/],
    ['no organizationId', { botId: ids.botId }, /organizationId must be a string like "org_…"/],
    ['a bot id as organizationId', { ...ids, organizationId: ids.botId }, /organizationId/],
    ['no botId', { organizationId: ids.organizationId }, /botId must be a string like "bot_…"/],
    ['a botId with odd characters', { ...ids, botId: 'bot_a:b' }, /botId/],
    ['a numeric token', { ...ids, userToken: 42 }, /userToken must be a string/],
    ['user as a string', { ...ids, user: 'Ada' }, /user must be an object/],
    ['a numeric user.name', { ...ids, user: { name: 1 } }, /user.name must be a string/],
    [
      'a provider that is a string',
      { ...ids, userTokenProvider: 'x' },
      /userTokenProvider must be a function/,
    ],
    ['a relative serverUrl', { ...ids, serverUrl: '/chat' }, /serverUrl must be an absolute URL/],
    ['a ftp serverUrl', { ...ids, serverUrl: 'ftp://x.example' }, /serverUrl must be http\(s\)/],
  ];
  for (const [name, input, message] of misuse) {
    test(`throws TypeError for ${name}`, () => {
      assert.throws(
        () => resolveOptions(input, server),
        (error: unknown) => error instanceof TypeError && message.test(error.message),
      );
    });
  }
});

describe('canSendToken (docs/contract.md §5)', () => {
  test('https anywhere, plain http only to localhost and 127.0.0.1', () => {
    assert.equal(canSendToken('https://chat.example.com'), true);
    assert.equal(canSendToken('http://localhost:3000'), true);
    assert.equal(canSendToken('http://127.0.0.1:3000'), true);
    assert.equal(canSendToken('http://chat.example.com'), false);
    assert.equal(canSendToken('http://192.168.1.10'), false);
    assert.equal(canSendToken('http://localhost.evil.example'), false);
  });
});
