import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../../src/app.js';
import { type AppServices, openServices, type ServiceOptions } from '../../src/services.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { createTestEnvironment, type TestDialect, type TestEnvironment } from './databases.js';

export const TEST_REDIS_URL = process.env.HILAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instance {
  readonly app: FastifyInstance;
  readonly services: AppServices;
  /** Where it listens, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
}

export interface TwoInstances {
  readonly a: Instance;
  readonly b: Instance;
  readonly env: TestEnvironment;
  close(): Promise<void>;
}

/**
 * Two server instances as production runs them: one database (PostgreSQL by default), one Redis
 * (under a key prefix of this test's own), nothing else shared. Both listen on loopback.
 */
export async function startTwoInstances(
  options: ServiceOptions & { dialect?: TestDialect; appOptions?: AppOptions } = {},
): Promise<TwoInstances> {
  const { dialect = 'postgres', appOptions = {}, ...serviceOptions } = options;
  const env = await createTestEnvironment(dialect);
  const prefix = `hilal-test:${randomBytes(6).toString('hex')}:`;
  const config = env.config({ HILAL_MASTER_KEY: 'cd'.repeat(32) });
  const start = async (): Promise<Instance> => {
    const services = await openServices(config, {
      flushIntervalMs: 0,
      ...serviceOptions,
      store: await createRedisStore(TEST_REDIS_URL, prefix),
    });
    const app = await buildApp(services, appOptions);
    return { services, app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  };
  const a = await start();
  const b = await start();
  return {
    a,
    b,
    env,
    async close() {
      for (const instance of [a, b]) {
        await instance.app.close();
        await instance.services.close();
      }
      await env.cleanup();
    },
  };
}
