import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { DEMO_OWNER_EMAIL, seedDemo } from '../demo/seed-demo.js';
import { shutDownGracefully } from '../ops/graceful-shutdown.js';
import { startMetricsServer } from '../ops/metrics-server.js';
import { openServices } from '../services.js';

/** `hilal serve`: the only place that listens. Resolves when the server has shut down. */
export async function serve(config: Config): Promise<void> {
  const services = await openServices(config);
  const demo = config.demo
    ? await seedDemo(services, (text) => process.stdout.write(text))
    : undefined;
  const app = await buildApp(services, demo ? { demo } : {});
  // Metrics first: an instance is watched before it takes traffic.
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer(app.metrics.registry, {
          port: config.metricsPort,
          host: config.host,
        });
  if (metrics) app.log.info(`Metrics at ${metrics.url}/metrics`);
  const address = await app
    .listen({ port: config.port, host: config.host })
    .catch(async (error) => {
      await metrics?.close();
      throw error;
    });
  if (demo) {
    process.stdout.write(`Demo page: ${address}/demo\n`);
    process.stdout.write(`Sign in at ${address}/app/ as ${DEMO_OWNER_EMAIL}\n`);
  }

  // README "Operations": SIGTERM (or Ctrl-C) stops gracefully within 10 seconds.
  // A second signal is not caught: it ends the process at once.
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      shutDownGracefully({
        app,
        closeServices: () => services.close(),
        ...(metrics ? { closeLast: () => metrics.close() } : {}),
        exit: (code) => process.exit(code),
      }).then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
