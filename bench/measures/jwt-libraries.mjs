// Token verifications per core: Hilal's verifier (node:crypto HMAC, the docs/contract.md §4
// order) against fast-jwt's createVerifier with `cache: false` (every token verified afresh, as
// each widget's token is new) and, for reference, jose's jwtVerify; one process, one valid token.
// Also logs how each reports each failure: why Hilal's reasons come from its own rules.
import { performance } from 'node:perf_hooks';
import { createVerifier } from 'fast-jwt';
import * as jose from 'jose';
import { interleave, knob } from '../support/rounds.mjs';
import { signJwt } from '../support/tokens.mjs';

const RUN_MS = knob('BENCH_JWT_MS', 1000);
const dist = new URL(
  '../../packages/server/dist/src/identity/verify-widget-token.js',
  import.meta.url,
);

export default {
  id: 'jwt-libraries',
  method: `**token verifications per core**: one process, the same valid HS256 token verified in a loop for ${RUN_MS} ms per round and library: Hilal's \`verifyWidgetToken\`, fast-jwt's \`createVerifier({ cache: false })\`, jose's \`jwtVerify\` (reference).`,
  async run({ rounds, log }) {
    const { verifyWidgetToken } = await import(dist.href);
    const secret = 'c'.repeat(64);
    const key = Buffer.from(secret, 'utf8');
    const nowS = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { alg: 'HS256', typ: 'JWT' },
      { sub: 'user-1', name: 'Ada', email: 'ada@example.com', exp: nowS + 3600 },
      key,
    );
    const fast = createVerifier({ key: secret, algorithms: ['HS256'], cache: false });
    const libraries = [
      {
        name: 'Hilal',
        verify: () =>
          verifyWidgetToken(token, key, { nowS: Date.now() / 1000, toleranceS: 0 }).verified,
      },
      { name: 'fast-jwt', verify: () => fast(token).sub === 'user-1' },
      {
        name: 'jose',
        verify: async () =>
          (await jose.jwtVerify(token, key, { algorithms: ['HS256'] })).payload.sub === 'user-1',
      },
    ];
    for (const library of libraries) {
      if (!(await library.verify())) throw new Error(`${library.name} did not verify the token`);
      await rate(library.verify, 200); // warm-up
    }
    const results = await interleave(
      rounds,
      libraries,
      async (library) => ({ perSecond: await rate(library.verify, RUN_MS) }),
      log,
    );
    await logFailures(key, nowS, verifyWidgetToken, fast, log);
    const row = (baseline, against) => ({
      measure: 'token verifications per core',
      baseline,
      unit: '/s',
      hilal: results.Hilal.perSecond,
      against: results[against].perSecond,
      vs: 'ratio',
    });
    return {
      rows: [
        {
          ...row('fast-jwt (`cache: false`)', 'fast-jwt'),
          goal: { on: 'vs', at: 'least', limit: 1.5 },
        },
        row('jose (reference)', 'jose'),
      ],
    };
  },
};

/** Verifications per second over `ms`, counted in batches so the clock is read rarely. */
async function rate(verify, ms) {
  const batch = 2000;
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i += 1) {
      const result = verify();
      if (result instanceof Promise) await result;
    }
    done += batch;
    elapsed = performance.now() - start;
  }
  return done / (elapsed / 1000);
}

async function logFailures(key, nowS, verifyWidgetToken, fast, log) {
  const b64 = (value) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const valid = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', exp: nowS + 60 }, key);
  const cases = {
    'alg none': `${b64({ alg: 'none' })}.${b64({ sub: 'x', exp: nowS + 60 })}.`,
    'padded segment': `${valid.split('.')[0]}=.${valid.split('.').slice(1).join('.')}`,
    'crit header': signJwt({ alg: 'HS256', crit: ['x'], x: 1 }, { sub: 'x', exp: nowS + 60 }, key),
    'sub missing': signJwt({ alg: 'HS256' }, { exp: nowS + 60 }, key),
    'exp missing': signJwt({ alg: 'HS256' }, { sub: 'x' }, key),
    expired: signJwt({ alg: 'HS256' }, { sub: 'x', exp: nowS - 10 }, key),
    'nbf ahead': signJwt({ alg: 'HS256' }, { sub: 'x', exp: nowS + 60, nbf: nowS + 60 }, key),
    'sub an object': signJwt({ alg: 'HS256' }, { sub: { id: 1 }, exp: nowS + 60 }, key),
  };
  log('how each reports a failure (Hilal / jose / fast-jwt):');
  for (const [what, token] of Object.entries(cases)) {
    const ours = verifyWidgetToken(token, key, { nowS, toleranceS: 0 });
    const joseCode = await jose.jwtVerify(token, key, { algorithms: ['HS256'] }).then(
      () => 'accepted',
      (error) => error.code,
    );
    let fastCode = 'accepted';
    try {
      fast(token);
    } catch (error) {
      fastCode = error.code;
    }
    log(
      `  ${what.padEnd(16)} ${ours.verified ? 'verified' : `${ours.reason}/${ours.detail}`} / ${joseCode} / ${fastCode}`,
    );
  }
}
