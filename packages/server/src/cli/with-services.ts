import type { Config } from '../config.js';
import { type AppServices, openServices } from '../services.js';
import { checkDatabase, checkRedis } from './check-connections.js';

/**
 * Opens the server's services for one command (migrating the database, as the server does) and
 * closes them afterwards, whatever happens. No background timers: counters are not used here.
 * `now` is the command line's clock (tests inject one), for whatever the services date or check.
 */
export async function withServices<T>(
  config: Config,
  use: (services: AppServices) => Promise<T>,
  options: { readonly now?: () => number } = {},
): Promise<T> {
  await checkDatabase(config);
  await checkRedis(config);
  const services = await openServices(config, {
    flushIntervalMs: 0,
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
