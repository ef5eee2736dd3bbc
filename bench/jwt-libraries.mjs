// `npm run bench:jwt-libraries`: the HS256 verification step alone, in one process, three ways:
// Hilal's own verifier (node:crypto HMAC, docs/contract.md §4 order), jose's compactVerify + claim checks,
// and fast-jwt's createVerifier. Also prints how each library reports each failure, which is
// why Hilal's reasons come from its own rules rather than from a library's errors.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createVerifier } from 'fast-jwt';
import * as jose from 'jose';
import { verifyWidgetToken } from '../packages/server/dist/src/identity/verify-widget-token.js';

const SECRET = 'c'.repeat(64);
const KEY = Buffer.from(SECRET, 'utf8');
const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const sign = (header, payload) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
};
const nowS = Math.floor(Date.now() / 1000);
const valid = sign(
  { alg: 'HS256', typ: 'JWT' },
  { sub: 'user-1', name: 'Ada', email: 'ada@example.com', exp: nowS + 600 },
);

const fast = createVerifier({ key: SECRET, algorithms: ['HS256'], cache: false });
const hilal = () => verifyWidgetToken(valid, KEY, { nowS: Date.now() / 1000, toleranceS: 0 });
const viaJose = () => jose.jwtVerify(valid, KEY, { algorithms: ['HS256'] });
const viaFast = () => fast(valid);

async function measure(name, fn, n = 100_000) {
  for (let i = 0; i < 5_000; i += 1) await fn();
  const start = performance.now();
  for (let i = 0; i < n; i += 1) await fn();
  const perSecond = n / ((performance.now() - start) / 1000);
  return { name, perSecond };
}

const results = [];
for (const [name, fn] of [
  ['hilal verifyWidgetToken', hilal],
  ['jose jwtVerify', viaJose],
  ['fast-jwt createVerifier', viaFast],
]) {
  results.push(await measure(name, fn));
}
const base = results[0].perSecond;
console.log('verifications per second (one core, valid token):');
for (const { name, perSecond } of results) {
  console.log(
    `  ${name.padEnd(26)} ${Math.round(perSecond).toLocaleString('en').padStart(10)}  (${(perSecond / base).toFixed(2)}× Hilal)`,
  );
}

const cases = {
  'alg none': `${b64({ alg: 'none' })}.${b64({ sub: 'x', exp: nowS + 60 })}.`,
  'padded segment': `${valid.split('.')[0]}=.${valid.split('.').slice(1).join('.')}`,
  'crit header': sign({ alg: 'HS256', crit: ['x'], x: 1 }, { sub: 'x', exp: nowS + 60 }),
  'sub missing': sign({ alg: 'HS256' }, { exp: nowS + 60 }),
  'exp missing': sign({ alg: 'HS256' }, { sub: 'x' }),
  expired: sign({ alg: 'HS256' }, { sub: 'x', exp: nowS - 10 }),
  'nbf ahead': sign({ alg: 'HS256' }, { sub: 'x', exp: nowS + 60, nbf: nowS + 60 }),
  'sub an object': sign({ alg: 'HS256' }, { sub: { id: 1 }, exp: nowS + 60 }),
};
console.log('\nhow each reports a failure:');
for (const [what, token] of Object.entries(cases)) {
  const ours = verifyWidgetToken(token, KEY, { nowS, toleranceS: 0 });
  const label = ours.verified ? 'verified' : `${ours.reason}/${ours.detail}`;
  const joseCode = await jose.jwtVerify(token, KEY, { algorithms: ['HS256'] }).then(
    () => 'accepted',
    (e) => e.code,
  );
  let fastCode = 'accepted';
  try {
    fast(token);
  } catch (error) {
    fastCode = error.code;
  }
  console.log(
    `  ${what.padEnd(16)} hilal ${label.padEnd(34)} jose ${String(joseCode).padEnd(28)} fast-jwt ${fastCode}`,
  );
}
