import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openServices } from './services.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/hilal');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig (docs/contract.md §8)', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/hilal');
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, '/srv/hilal/data');
    assert.equal(config.databaseUrl, 'sqlite:/srv/hilal/data/hilal.sqlite');
    assert.equal(config.clockToleranceS, 0);
    assert.equal(config.verifyFailuresPerMin, 30);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.production, false);
    assert.equal(config.demo, true);
    assert.equal(config.llm, undefined);
    assert.equal(config.metricsPort, undefined, 'no /metrics unless asked for');
    assert.equal(loadConfig({ HILAL_METRICS_PORT: '9464' }).metricsPort, 9464);
    assert.ok(Object.isFrozen(config));
  });

  it('counts a variable set to the empty string as unset', () => {
    const config = loadConfig(
      { PORT: '', HILAL_MASTER_KEY: '', WIDGET_JWT_HMAC_SECRET: '' },
      '/srv',
    );
    assert.equal(config.port, 3000);
    assert.equal(config.masterKey, undefined);
    assert.equal(config.widgetJwtHmacSecret, undefined);
  });

  // [variables, the variable the message must name, what the message says]
  const rows: Array<[Record<string, string>, string, RegExp]> = [
    [{ PORT: '70000' }, 'PORT', /0 to 65535/],
    [{ PORT: 'http' }, 'PORT', /whole number/],
    [{ WIDGET_JWT_CLOCK_TOLERANCE_S: '301' }, 'WIDGET_JWT_CLOCK_TOLERANCE_S', /0 to 300/],
    [{ WIDGET_JWT_CLOCK_TOLERANCE_S: '-1' }, 'WIDGET_JWT_CLOCK_TOLERANCE_S', /0 to 300/],
    [{ HILAL_MASTER_KEY: 'abc' }, 'HILAL_MASTER_KEY', /64 hex/],
    [{ HILAL_MASTER_KEY: 'g'.repeat(64) }, 'HILAL_MASTER_KEY', /64 hex/],
    [{ HILAL_VERIFY_FAILURES_PER_MIN: '0' }, 'HILAL_VERIFY_FAILURES_PER_MIN', /whole number/],
    [{ HILAL_TRUSTED_PROXIES: '10.0.0.0/33' }, 'HILAL_TRUSTED_PROXIES', /CIDR/],
    [{ HILAL_TRUSTED_PROXIES: 'proxy.local' }, 'HILAL_TRUSTED_PROXIES', /proxy\.local/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ HILAL_PUBLIC_URL: 'ftp://x' }, 'HILAL_PUBLIC_URL', /http/],
    [{ HILAL_DEMO: 'maybe' }, 'HILAL_DEMO', /1, 0/],
    [{ HILAL_LLM_BASE_URL: 'not a url' }, 'HILAL_LLM_BASE_URL', /URL/],
    [{ HILAL_METRICS_PORT: '65536' }, 'HILAL_METRICS_PORT', /0 to 65535/],
    [{ HILAL_METRICS_PORT: 'metrics' }, 'HILAL_METRICS_PORT', /whole number/],
    [{ HILAL_METRICS_PORT: '3000' }, 'HILAL_METRICS_PORT', /differ from PORT/],
  ];
  for (const [env, variable, message] of rows) {
    it(`refuses ${JSON.stringify(env)}, naming ${variable}`, () => {
      const error = configError(env);
      assert.equal(error.variable, variable);
      assert.ok(error.message.startsWith(variable));
      assert.match(error.message, message);
    });
  }

  it('never echoes a malformed secret value in its message', () => {
    const error = configError({ HILAL_MASTER_KEY: 'secret-value-that-is-wrong' });
    assert.ok(!error.message.includes('secret-value-that-is-wrong'));
  });

  it('reads trusted proxies, production and the model endpoint', () => {
    const config = loadConfig(
      {
        HILAL_TRUSTED_PROXIES: '10.0.0.0/8, ::1, 192.168.1.7',
        NODE_ENV: 'production',
        HILAL_LLM_BASE_URL: 'http://127.0.0.1:8080/v1/',
        HILAL_MASTER_KEY: 'AB'.repeat(32),
      },
      '/srv',
    );
    assert.deepEqual(config.trustedProxies, ['10.0.0.0/8', '::1', '192.168.1.7']);
    assert.equal(config.production, true);
    assert.equal(config.demo, false, 'no demo in production unless asked');
    assert.equal(config.llm?.baseUrl, 'http://127.0.0.1:8080/v1');
    assert.equal(config.masterKey?.length, 32);
  });
});

describe('HILAL_TRUSTED_PROXIES (docs/contract.md §8): what Fastify would crash on is refused, naming the variable', () => {
  // Each of these is what Fastify's trustProxy (proxy-addr) takes and matches as written.
  const accepted = [
    '10.0.0.0/8',
    '192.168.1.7',
    '1.2.3.4/32',
    '::1',
    '::1/128',
    '2001:db8::/32',
    '::ffff:10.0.0.1',
    '::ffff:10.0.0.0/104',
    // A zone ID limits the entry to peers on that interface (Fastify's proxy-addr compares it).
    'fe80::1%eth0',
    'fe80::%eth0/64',
    ' 10.0.0.1 , 10.0.0.2 ',
  ];
  for (const value of accepted) {
    it(`accepts ${JSON.stringify(value)}`, () => {
      const config = loadConfig({ HILAL_TRUSTED_PROXIES: value }, '/srv');
      assert.deepEqual(
        config.trustedProxies,
        value.split(',').map((entry) => entry.trim()),
      );
    });
  }

  // [value, what the message says]
  const refused: Array<[string, RegExp]> = [
    [':::::', /":::::", which is not an IP address or CIDR range/],
    ['1.2.3', /"1\.2\.3", which is not an IP address/],
    ['01.2.3.4', /"01\.2\.3\.4", which is not an IP address/],
    ['proxy.local', /"proxy\.local", which is not an IP address/],
    ['1.2.3.4/33', /"1\.2\.3\.4\/33".*prefix from 1 to 32/],
    ['::1/129', /"::1\/129".*prefix from 1 to 128/],
    ['10.0.0.0/08', /prefix from 1 to 32/],
    ['10.0.0.0/', /prefix from 1 to 32/],
    ['10.0.0.0/8/8', /prefix from 1 to 32/],
    ['10.0.0.0/0', /\/0 range would trust every client/],
    ['::/0', /\/0 range would trust every client/],
    ['fe80::1%', /"fe80::1%", which is not an IP address/],
    ['1.2.3.4%eth0', /"1\.2\.3\.4%eth0", which is not an IP address/],
    ['10.0.0.1,,10.0.0.2', /empty entry/],
    ['10.0.0.1,', /empty entry/],
    [',', /empty entry/],
  ];
  for (const [value, message] of refused) {
    it(`refuses ${JSON.stringify(value)}`, () => {
      const error = configError({ HILAL_TRUSTED_PROXIES: value });
      assert.equal(error.variable, 'HILAL_TRUSTED_PROXIES');
      assert.ok(error.message.startsWith('HILAL_TRUSTED_PROXIES '));
      assert.match(error.message, message);
    });
  }

  // The regression: a value config accepted made Fastify throw at start, without the variable's name.
  it('builds the app with every value it accepts, of all the values above', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-proxies-'));
    const env = { HILAL_DATA_DIR: root, LOG_LEVEL: 'silent' };
    const services = await openServices(loadConfig(env), { flushIntervalMs: 0 });
    try {
      for (const value of [...accepted, ...refused.map(([value]) => value)]) {
        let config: Config;
        try {
          config = loadConfig({ ...env, HILAL_TRUSTED_PROXIES: value });
        } catch (error) {
          if (error instanceof ConfigError) continue;
          throw error;
        }
        const app = await buildApp({ ...services, config });
        try {
          await app.ready();
          const res = await app.inject({ method: 'GET', url: '/no-such-route' });
          assert.equal(res.statusCode, 404, value);
        } finally {
          await app.close();
        }
      }
    } finally {
      await services.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
