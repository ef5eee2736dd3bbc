import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { openServices } from '../services.js';

/** `hilal serve`: the only place that listens. Resolves when the server has shut down. */
export async function serve(config: Config): Promise<void> {
  const services = await openServices(config);
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void app
        .close()
        .then(() => services.close())
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
