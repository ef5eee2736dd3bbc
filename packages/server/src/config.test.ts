import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/hilal');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig (SPEC §8)', () => {
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
