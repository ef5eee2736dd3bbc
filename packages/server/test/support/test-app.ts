import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createOrganization } from '../../src/accounts/organizations-repository.js';
import { type AppOptions, buildApp } from '../../src/app.js';
import { createChatbot } from '../../src/bots/chatbots-repository.js';
import { type AppServices, openServices, type ServiceOptions } from '../../src/services.js';
import { createTestEnvironment, type TestDialect, type TestEnvironment } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: AppServices;
  readonly env: TestEnvironment;
  /** Everything the app logged, one JSON line each. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** A built app (never listening) on a fresh database, logging at `trace` into `logs`. */
export async function startTestApp(
  dialect: TestDialect,
  overrides: Record<string, string> = {},
  options: ServiceOptions = {},
  appOptions: Omit<AppOptions, 'logStream'> = {},
): Promise<TestApp> {
  const env = await createTestEnvironment(dialect);
  const config = env.config({
    LOG_LEVEL: 'trace',
    HILAL_VERIFY_FAILURES_PER_MIN: '100000',
    ...overrides,
  });
  const services = await openServices(config, { flushIntervalMs: 0, ...options });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp(services, { ...appOptions, logStream });
  await app.ready();
  return {
    app,
    services,
    env,
    logs,
    async close() {
      await app.close();
      await services.close();
      await env.cleanup();
    },
  };
}

export interface SeededBot {
  readonly orgId: string;
  readonly botId: string;
  /** The bot's own secret, or undefined when it was seeded without one. */
  readonly secret: string | undefined;
}

/** An organization with one bot, which gets a saved secret of its own unless `withSecret` is false. */
export async function seedBot(services: AppServices, withSecret = true): Promise<SeededBot> {
  const org = await createOrganization(services.db, 'Acme', services.now());
  const bot = await createChatbot(services.db, org.id, 'Support', services.now());
  const secret = withSecret
    ? (await services.secrets.rotate(org.id, bot.id, 'test')).secret
    : undefined;
  return { orgId: org.id, botId: bot.id, secret };
}

export interface ServedBot {
  readonly t: TestApp;
  readonly bot: SeededBot;
  /** e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
}

/**
 * A test app on SQLite with one seeded bot, listening on a free port: for what `inject` cannot
 * do, such as holding a stream open.
 */
export async function serveSeededBot(options: ServiceOptions = {}): Promise<ServedBot> {
  const t = await startTestApp('sqlite', {}, options);
  const bot = await seedBot(t.services);
  const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, bot, baseUrl };
}
