import { isIP } from 'node:net';
import path from 'node:path';

/**
 * The server's configuration, read once from the environment (docs/contract.md §8), validated and frozen.
 * Nothing else in the server reads `process.env`; tests build a `Config` with `loadConfig({...})`.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where `/metrics` is served (HILAL_METRICS_PORT, on HOST); undefined: not served. */
  readonly metricsPort: number | undefined;
  readonly dataDir: string;
  /** `sqlite:<file>` or `postgres://…`. */
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  /** 32 bytes, from `HILAL_MASTER_KEY`; undefined means "use the key file in dataDir". */
  readonly masterKey: Buffer | undefined;
  /** The single-tenant fallback secret; its UTF-8 bytes are the HMAC key (docs/contract.md §3). */
  readonly widgetJwtHmacSecret: string | undefined;
  readonly clockToleranceS: number;
  readonly publicUrl: string | undefined;
  readonly logLevel: LogLevel;
  readonly verifyFailuresPerMin: number;
  readonly trustedProxies: readonly string[];
  readonly production: boolean;
  /** Seed a demo organization on an empty database and serve `/demo` (HILAL_DEMO; on unless production). */
  readonly demo: boolean;
  readonly llm: LlmConfig | undefined;
}

export interface LlmConfig {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration value that is malformed or out of range; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the configuration.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError('PORT', 'must be …')
 */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  // docs/contract.md §8: a variable set to the empty string counts as unset.
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const dataDir = path.resolve(cwd, get('HILAL_DATA_DIR') ?? './data');
  const databaseUrl = parseDatabaseUrl(get('DATABASE_URL'), dataDir);
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  }

  const port = integerIn(get('PORT'), 'PORT', 3000, 0, 65535);
  const config: Config = {
    port,
    host: get('HOST') ?? '127.0.0.1',
    metricsPort: parseMetricsPort(get('HILAL_METRICS_PORT'), port),
    dataDir,
    databaseUrl,
    redisUrl,
    masterKey: parseMasterKey(get('HILAL_MASTER_KEY')),
    widgetJwtHmacSecret: get('WIDGET_JWT_HMAC_SECRET'),
    clockToleranceS: integerIn(
      get('WIDGET_JWT_CLOCK_TOLERANCE_S'),
      'WIDGET_JWT_CLOCK_TOLERANCE_S',
      0,
      0,
      300,
    ),
    publicUrl: parsePublicUrl(get('HILAL_PUBLIC_URL')),
    logLevel: parseLogLevel(get('LOG_LEVEL')),
    verifyFailuresPerMin: integerIn(
      get('HILAL_VERIFY_FAILURES_PER_MIN'),
      'HILAL_VERIFY_FAILURES_PER_MIN',
      30,
      1,
      1_000_000_000,
    ),
    trustedProxies: parseTrustedProxies(get('HILAL_TRUSTED_PROXIES')),
    production: get('NODE_ENV') === 'production',
    demo: parseDemo(get('HILAL_DEMO'), get('NODE_ENV') === 'production'),
    llm: parseLlm(get),
  };
  return Object.freeze(config);
}

function integerIn(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseMetricsPort(raw: string | undefined, port: number): number | undefined {
  if (raw === undefined) return undefined;
  const metricsPort = integerIn(raw, 'HILAL_METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError('HILAL_METRICS_PORT', 'must differ from PORT');
  }
  return metricsPort;
}

function parseDatabaseUrl(raw: string | undefined, dataDir: string): string {
  if (raw === undefined) return `sqlite:${path.join(dataDir, 'hilal.sqlite')}`;
  if (/^postgres(ql)?:\/\//.test(raw)) return raw;
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length);
    if (file === '') throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path');
    return file === ':memory:' ? raw : `sqlite:${path.resolve(dataDir, file)}`;
  }
  throw new ConfigError('DATABASE_URL', 'must be postgres://… or sqlite:<file>');
}

function parseMasterKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) {
    throw new ConfigError('HILAL_MASTER_KEY', 'must be 32 bytes written as 64 hex characters');
  }
  return Buffer.from(raw, 'hex');
}

function parsePublicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url.origin;
  } catch {
    throw new ConfigError('HILAL_PUBLIC_URL', 'must be an http:// or https:// URL');
  }
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === raw.toLowerCase());
  if (level === undefined)
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/**
 * docs/contract.md §8: addresses or CIDR ranges, checked here so that what Fastify's `trustProxy`
 * (@fastify/proxy-addr) would throw on at start is refused with the variable's name instead.
 * An IPv6 zone ID (`fe80::1%eth0`) is kept: Fastify then trusts that address on that interface
 * only. A `/0` range is refused: Fastify refuses it, and it would trust every client to name
 * its own address. An empty entry is a typo, so it is refused rather than skipped.
 */
function parseTrustedProxies(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => parseTrustedProxy(entry.trim()));
}

function parseTrustedProxy(entry: string): string {
  const refuse = (problem: string) => new ConfigError('HILAL_TRUSTED_PROXIES', problem);
  if (entry === '') throw refuse('has an empty entry: remove the extra comma');
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) {
    throw refuse(`has "${entry}", which is not an IP address or CIDR range`);
  }
  if (slash === -1) return entry;
  const prefix = entry.slice(slash + 1);
  const maxBits = version === 4 ? 32 : 128;
  if (/^0+$/.test(prefix)) {
    throw refuse(`has "${entry}": a /0 range would trust every client to name its own address`);
  }
  if (!/^[1-9]\d*$/.test(prefix) || Number(prefix) > maxBits) {
    throw refuse(`has "${entry}": an IPv${version} CIDR range takes a prefix from 1 to ${maxBits}`);
  }
  return entry;
}

function parseDemo(raw: string | undefined, production: boolean): boolean {
  if (raw === undefined) return !production;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError('HILAL_DEMO', 'must be 1, 0, true or false');
}

function parseLlm(get: (name: string) => string | undefined): LlmConfig | undefined {
  const baseUrl = get('HILAL_LLM_BASE_URL');
  if (baseUrl === undefined) return undefined;
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigError('HILAL_LLM_BASE_URL', 'must be a URL');
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: get('HILAL_LLM_API_KEY'),
    model: get('HILAL_LLM_MODEL') ?? 'gpt-4o-mini',
    timeoutMs: integerIn(get('HILAL_LLM_TIMEOUT_MS'), 'HILAL_LLM_TIMEOUT_MS', 15000, 100, 600000),
  };
}
