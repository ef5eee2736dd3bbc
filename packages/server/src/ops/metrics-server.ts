import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { ERROR_CODES, type ErrorCode, errorBody } from '../errors.js';

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` in the Prometheus text format on its own port (docs/contract.md §11,
 * HILAL_METRICS_PORT), so that it is never exposed through the public proxy. Node's own figures
 * (memory, CPU, event-loop lag, `process_`/`nodejs_` metrics) come with Hilal's.
 */
export async function startMetricsServer(
  registry: Registry,
  options: { readonly port: number; readonly host: string },
): Promise<MetricsServer> {
  collectDefaultMetrics({ register: registry });
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      answerError(response, 'not_found');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      () => answerError(response, 'internal'),
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The same error shape as the main port's (README "Error codes"). */
function answerError(response: http.ServerResponse, code: ErrorCode): void {
  response
    .writeHead(ERROR_CODES[code].status, { 'Content-Type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(errorBody(code)));
}
