import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { ERROR_CODES, type ErrorCode, errorBody } from '../src/errors.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// What an attacker puts in the request; no response or log line may echo it (docs/contract.md §10).
const MARKER = 'eyJhbGciOiJIUzI1NiJ9.echo-marker';

/** Sends raw bytes on a fresh connection and returns everything the server wrote back. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while we still write; what it answered before counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(answer);
      else reject(error);
    });
    socket.on('close', () => resolve(answer));
    socket.write(bytes, 'latin1');
  });
}

/** Splits a raw HTTP response into its status, lower-cased headers and body. */
function parseResponse(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, `not an HTTP response: ${JSON.stringify(raw.slice(0, 80))}`);
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1];
  assert.ok(status !== undefined, `bad status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), headers, body: raw.slice(end + 4) };
}

function assertErrorShape(
  status: number,
  contentType: unknown,
  body: string,
  code: ErrorCode,
): void {
  assert.equal(status, ERROR_CODES[code].status);
  assert.match(String(contentType), /^application\/json/);
  assert.deepEqual(JSON.parse(body), errorBody(code));
}

// [what the request does wrong, method, url, headers, payload, the code it gets]
const INJECTED: Array<
  [string, 'GET' | 'POST', string, Record<string, string>, string | undefined, ErrorCode]
> = [
  [
    'a path parameter of 200 characters',
    'GET',
    `/api/admin/conversations/${MARKER}${'a'.repeat(200)}`,
    {},
    undefined,
    'url_too_long',
  ],
  [
    '%zz in a path parameter',
    'GET',
    `/api/admin/conversations/%zz${MARKER}`,
    {},
    undefined,
    'invalid_url',
  ],
  ['%zz in an unmatched path', 'GET', `/%zz/${MARKER}`, {}, undefined, 'invalid_url'],
  ['an unknown route', 'GET', `/${MARKER}?token=${MARKER}`, {}, undefined, 'not_found'],
  [
    'a content type no parser of the route accepts',
    'POST',
    '/test-only/json-only',
    { 'content-type': `application/x-${MARKER}` },
    '{}',
    'unsupported_media_type',
  ],
  [
    'a body over the limit',
    'POST',
    '/api/widget/verify-jwt',
    { 'content-type': 'application/json' },
    `{"token":"${MARKER}${'x'.repeat(70 * 1024)}"}`,
    'payload_too_large',
  ],
  [
    'a body that is not JSON',
    'POST',
    '/api/widget/verify-jwt',
    { 'content-type': 'application/json' },
    `{"token":"${MARKER}`,
    'invalid_json',
  ],
];

describe('framework errors have the error shape and never echo the request (docs/contract.md §10)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', { LOG_LEVEL: 'trace' }, {});
  });
  after(() => t.close());

  describe('through app.inject', () => {
    let app: FastifyInstance;
    const logs: string[] = [];
    before(async () => {
      const logStream = new Writable({
        write(chunk, _encoding, done) {
          logs.push(String(chunk));
          done();
        },
      });
      // The app itself reads every body as JSON; a plugin that accepts application/json only
      // (as sign-in does) is where Fastify's own 415 comes from.
      app = await buildApp(t.services, { logStream });
      await app.register(async (jsonOnly) => {
        jsonOnly.removeAllContentTypeParsers();
        jsonOnly.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) =>
          done(null, JSON.parse(String(body))),
        );
        jsonOnly.post('/test-only/json-only', async () => ({ ok: true }));
      });
      await app.ready();
    });
    after(() => app.close());

    for (const [problem, method, url, headers, payload, code] of INJECTED) {
      it(`${problem}: ${ERROR_CODES[code].status} ${code}`, async () => {
        const logsBefore = logs.length;
        const res = await app.inject({
          method,
          url,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
        assertErrorShape(res.statusCode, res.headers['content-type'], res.body, code);
        assert.ok(!res.body.includes(MARKER));
        assert.ok(!JSON.stringify(res.headers).includes(MARKER));
        const logged = logs.slice(logsBefore).join('');
        assert.ok(!logged.includes(MARKER), `nor does the log, at trace: ${logged}`);
      });
    }
  });

  describe('on a listening socket, node’s HTTP parser included', () => {
    let port: number;
    before(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });

    // [what the bytes do wrong, the bytes, the code they get]
    const RAW: Array<[string, string, ErrorCode]> = [
      [
        'a path parameter of 200 characters',
        `GET /api/admin/conversations/${MARKER}${'a'.repeat(200)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        'url_too_long',
      ],
      [
        '%zz in the path',
        `GET /%zz/${MARKER} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        'invalid_url',
      ],
      ['a garbage request line', `\x16\x03\x01${MARKER} garbage\r\n\r\n`, 'invalid_request'],
      [
        'a header line without a colon',
        `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Token ${MARKER}\r\n\r\n`,
        'invalid_request',
      ],
      [
        'a control character in the URL',
        `GET /${MARKER}\x01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        'invalid_url',
      ],
      [
        'headers over node’s 16 KiB limit',
        `GET /?token=${MARKER} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20 * 1024)}\r\n\r\n`,
        'headers_too_large',
      ],
    ];
    for (const [problem, bytes, code] of RAW) {
      it(`${problem}: ${ERROR_CODES[code].status} ${code}`, async () => {
        const logsBefore = t.logs.length;
        const { status, headers, body } = parseResponse(await rawRequest(port, bytes));
        assertErrorShape(status, headers['content-type'], body, code);
        assert.equal(Number(headers['content-length']), Buffer.byteLength(body));
        assert.ok(!body.includes(MARKER));
        const logged = t.logs.slice(logsBefore).join('');
        assert.ok(!logged.includes(MARKER), `logged at trace: ${logged}`);
        assert.ok(!logged.includes('rawPacket'), 'the raw bytes are never logged');
      });
    }
  });
});
