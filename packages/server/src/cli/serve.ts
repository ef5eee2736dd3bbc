import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { DEMO_OWNER_EMAIL, seedDemo } from '../demo/seed-demo.js';
import { openServices } from '../services.js';

/** `hilal serve`: the only place that listens. Resolves when the server has shut down. */
export async function serve(config: Config): Promise<void> {
  const services = await openServices(config);
  const demo = config.demo
    ? await seedDemo(services, (text) => process.stdout.write(text))
    : undefined;
  const app = await buildApp(services, demo ? { demo } : {});
  const address = await app.listen({ port: config.port, host: config.host });
  if (demo) {
    process.stdout.write(`Demo page: ${address}/demo\n`);
    process.stdout.write(`Sign in at ${address}/app/ as ${DEMO_OWNER_EMAIL}\n`);
  }

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
