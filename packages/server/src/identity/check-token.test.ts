import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTokenWith } from './check-token.js';
import { signHs256, signSigningInput } from './sign-hs256.js';
import type { SigningKey } from './signing-keys.js';

const ACTIVE = 'a1'.repeat(32);
const PENDING = 'b2'.repeat(32);
const NOW_S = 1_800_000_000;
const options = { nowS: NOW_S, toleranceS: 0 };
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const active: SigningKey = {
  key: Buffer.from(ACTIVE, 'utf8'),
  secretRef: 'wsk_active',
  allowedOrigins: [],
};
const withPending: SigningKey = {
  ...active,
  pending: {
    key: Buffer.from(PENDING, 'utf8'),
    secretRef: 'wsk_pending',
    expiresAt: NOW_S * 1000 + 3600_000,
  },
};
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('checkTokenWith: "Check a token" (docs/contract.md §7)', () => {
  it('a good token: verified, its header, every claim as decoded and readable times; no afterSave without a pending secret', () => {
    const claims = { sub: 'u-1', name: 'Ada', iat: NOW_S, exp: NOW_S + 600, role: 'admin' };
    const token = signHs256(ACTIVE, claims);
    assert.deepEqual(checkTokenWith(token, active, options), {
      verified: true,
      header: { alg: 'HS256', typ: 'JWT' },
      claims,
      times: { exp: iso(NOW_S + 600), iat: iso(NOW_S) },
    });
  });

  it('a failing token: its reason, detail and the README fix in plain text, with its header and claims', () => {
    const expired = checkTokenWith(
      signHs256(ACTIVE, { sub: 'u', exp: NOW_S - 5 }),
      active,
      options,
    );
    assert.deepEqual(expired, {
      verified: false,
      reason: 'expired',
      detail: 'expired',
      fix: "Issue tokens when needed and use `userTokenProvider`; check your server's clock.",
      header: { alg: 'HS256', typ: 'JWT' },
      claims: { sub: 'u', exp: NOW_S - 5 },
      times: { exp: iso(NOW_S - 5) },
    });
    // The server's WIDGET_JWT_CLOCK_TOLERANCE_S applies, as in verify-jwt.
    const tolerant = checkTokenWith(signHs256(ACTIVE, { sub: 'u', exp: NOW_S - 5 }), active, {
      ...options,
      toleranceS: 10,
    });
    assert.equal(tolerant.verified, true);

    const wrong = checkTokenWith(
      signHs256('c3'.repeat(32), { sub: 'u', exp: NOW_S + 60 }),
      active,
      options,
    );
    assert.equal(wrong.reason, 'invalid_signature');
    assert.equal(wrong.detail, 'signature_mismatch');
    // The README's link is reduced to its text.
    assert.equal(wrong.fix, "Use this bot's current secret, as text (see Troubleshooting).");
    assert.deepEqual(wrong.claims, { sub: 'u', exp: NOW_S + 60 });
  });

  it('garbage decodes to nothing; the signature is never shown', () => {
    const garbage = checkTokenWith('not a token', active, options);
    assert.deepEqual(garbage, {
      verified: false,
      reason: 'malformed',
      detail: 'segments',
      fix: 'Pass the compact token itself, not a JSON wrapper, a `Bearer ` prefix or a JWE.',
      header: null,
      claims: null,
      times: {},
    });
    const token = signHs256(ACTIVE, { sub: 'u', exp: NOW_S + 60 });
    const signature = token.split('.')[2] ?? '';
    assert.ok(!JSON.stringify(checkTokenWith(token, active, options)).includes(signature));
  });

  it('shows a padded token’s header and claims, while the verdict names the padding', () => {
    const header = b64('{"alg":"HS256","typ":"JWT","kid":"k"}');
    const payload = b64(JSON.stringify({ sub: 'u', exp: NOW_S + 60 }));
    const padded = `${header}${'='.repeat((4 - (header.length % 4)) % 4)}`;
    assert.notEqual(padded, header);
    const token = `${padded}.${payload}.${signSigningInput(ACTIVE, `${padded}.${payload}`)}`;
    const check = checkTokenWith(token, active, options);
    assert.equal(check.detail, 'base64url');
    assert.deepEqual(check.header, { alg: 'HS256', typ: 'JWT', kid: 'k' });
    assert.deepEqual(check.claims, { sub: 'u', exp: NOW_S + 60 });
  });

  it('while a secret is pending, both verify now, and afterSave tells which one still will', () => {
    const old = checkTokenWith(
      signHs256(ACTIVE, { sub: 'u', exp: NOW_S + 60 }),
      withPending,
      options,
    );
    assert.equal(old.verified, true);
    assert.deepEqual(old.afterSave, {
      verified: false,
      reason: 'invalid_signature',
      detail: 'signature_mismatch',
      fix: "Use this bot's current secret, as text (see Troubleshooting).",
    });
    const next = checkTokenWith(
      signHs256(PENDING, { sub: 'u', exp: NOW_S + 60 }),
      withPending,
      options,
    );
    assert.equal(next.verified, true);
    assert.deepEqual(next.afterSave, { verified: true });
  });

  it('with no secret at all: not_configured, and how to configure one', () => {
    const none = checkTokenWith(
      signHs256(ACTIVE, { sub: 'u', exp: NOW_S + 60 }),
      { key: undefined, secretRef: null, allowedOrigins: [] },
      options,
    );
    assert.equal(none.reason, 'not_configured');
    assert.equal(none.fix, 'Regenerate and save a secret for the bot (step 1).');
    assert.deepEqual(none.claims, { sub: 'u', exp: NOW_S + 60 });
  });
});
