import type { FastifyInstance } from 'fastify';

/** docs/contract.md §11: SIGTERM to exit within 10 seconds. */
export const SHUTDOWN_DEADLINE_MS = 9500;

export interface ShutdownSteps {
  readonly app: FastifyInstance;
  /** Closes what the app was built on (counters flushed, Redis, the database), after the app. */
  readonly closeServices: () => Promise<void>;
  /** Anything else to close last (the metrics server). */
  readonly closeLast?: () => Promise<void>;
  /** Called with 1 if the deadline passes first (the process must then exit at once). */
  readonly exit: (code: number) => void;
  readonly deadlineMs?: number;
}

/**
 * A graceful stop (README "Operations"): no new connections; replies under way finish and the
 * live streams end so that widgets reconnect to another instance (the app's preClose hook);
 * requests under way are answered; then the database and Redis are closed. Whatever is still
 * running at the deadline is cut short: the process exits 1 rather than outstay its welcome.
 */
export async function shutDownGracefully(steps: ShutdownSteps): Promise<void> {
  const { app } = steps;
  const deadline = setTimeout(() => {
    app.log.error('shutdown: deadline passed, exiting now');
    steps.exit(1);
  }, steps.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
  app.log.info('shutdown: no longer accepting connections');
  // Stop accepting now: Fastify closes the listening socket only after its preClose hooks,
  // which may wait for replies. (Its own close later sees ERR_SERVER_NOT_RUNNING and goes on.)
  app.server.close();
  try {
    await app.close();
    await steps.closeServices();
    await steps.closeLast?.();
    app.log.info('shutdown: done');
  } finally {
    clearTimeout(deadline);
  }
}
