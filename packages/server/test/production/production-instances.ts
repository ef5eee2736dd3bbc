import { type AppServices, openServices } from '../../src/services.js';
import type { TestEnvironment } from '../support/databases.js';
import { runHilalJson } from '../support/run-hilal.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { TEST_REDIS_URL } from '../support/two-instances.js';

export const MASTER_KEY = '5a'.repeat(32);

/**
 * The environment of a production instance, as deploy/systemd/hilal.env.example and
 * deploy/compose.yaml set it (the topology suite checks that every variable they set is here),
 * on this test's database and Redis. `hilal serve` is given its port by the test.
 */
export function productionEnvironment(
  env: TestEnvironment,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return env.env({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    HILAL_DATA_DIR: env.dataDir,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    HILAL_MASTER_KEY: MASTER_KEY,
    HILAL_TRUSTED_PROXIES: '127.0.0.1',
    LOG_LEVEL: 'info',
    PATH: process.env.PATH ?? '',
    ...overrides,
  });
}

export interface ProductionInstances {
  /** What `hilal migrate` printed. */
  readonly migrated: Record<string, unknown>;
  readonly servers: readonly [ServerProcess, ServerProcess];
  stop(): Promise<void>;
}

/**
 * What a deployment does, in its order: `hilal migrate` once (deploy/compose.yaml's one-shot
 * service, deploy/systemd/hilal-migrate.service), then `seed` (the test's organization, bot and
 * accounts, written before any instance runs), then two `hilal serve` with the same environment.
 */
export async function startProductionInstances(
  environment: Record<string, string>,
  seed: (services: AppServices) => Promise<void>,
  config: Parameters<typeof openServices>[0],
): Promise<ProductionInstances> {
  const migrated = await runHilalJson(['migrate'], environment);
  const services = await openServices(config, { flushIntervalMs: 0 });
  try {
    await seed(services);
  } finally {
    await services.close();
  }
  const servers = await Promise.all([
    startServerProcess(environment),
    startServerProcess(environment),
  ]);
  return {
    migrated,
    servers,
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

/** `127.0.0.1:port` of a server process's URL, as nginx's upstream names it. */
export const hostPort = (url: string): string => new URL(url).host;
