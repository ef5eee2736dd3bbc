import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseEncoding, ENCODINGS, type Encoding } from './accept-encoding.js';

const ALL = ENCODINGS;
const PLAIN: readonly Encoding[] = ['gzip', 'identity'];

describe('chooseEncoding (RFC 9110 §12.5.3)', () => {
  const rows: [string | undefined, readonly Encoding[], Encoding][] = [
    [undefined, ALL, 'identity'],
    ['', ALL, 'identity'],
    ['gzip, deflate, br, zstd', ALL, 'br'],
    ['gzip, deflate', ALL, 'gzip'],
    ['br', PLAIN, 'identity'],
    ['BR;Q=1', ALL, 'br'],
    ['gzip;q=1, br;q=0.5', ALL, 'gzip'],
    ['br;q=0.8, gzip;q=0.8', ALL, 'br'],
    ['br;q=0, gzip;q=0', ALL, 'identity'],
    ['*', ALL, 'br'],
    ['*;q=0.5, br;q=0', ALL, 'gzip'],
    ['identity', ALL, 'identity'],
    ['identity;q=1, gzip;q=0.9', ALL, 'identity'],
    ['x-gzip', ALL, 'gzip'],
    ['deflate', ALL, 'identity'],
    ['gzip;q=0.5, identity;q=0', PLAIN, 'gzip'],
    ['gzip;q=2', ALL, 'identity'],
    ['gzip;q=abc, br;q=0.001', ALL, 'br'],
    ['identity;q=0, *;q=0', ALL, 'identity'],
    [' , ;q=1, gzip ;q=0.3', ALL, 'gzip'],
    ['gzip;q=0.3, identity;q=0.5', ALL, 'identity'],
  ];
  for (const [header, available, expected] of rows) {
    it(`${JSON.stringify(header)} of ${available.join('/')} → ${expected}`, () => {
      assert.equal(chooseEncoding(header, available), expected);
    });
  }
});
