// Small HTTP helpers for the load generators: a keep-alive client that stays out of the way
// (node:http, not fetch: the client shares two cores with the server under test), free ports,
// and waiting for a server to answer.
import http from 'node:http';
import net from 'node:net';

/** Keep-alive, as a browser keeps its connection to the widget's server. */
export const keepAlive = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** One request; resolves with status, headers and the body as text (or raw bytes with `raw`). */
export function request(url, { method = 'GET', headers = {}, body, raw = false, agent } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      url,
      {
        method,
        agent: agent ?? keepAlive,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: raw ? bytes : bytes.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `request`, then JSON; throws unless the status is `expect`. */
export async function requestJson(url, options = {}, expect = 200) {
  const res = await request(url, options);
  if (res.status !== expect) {
    throw new Error(
      `${options.method ?? 'GET'} ${new URL(url).pathname}: ${res.status} ${res.body.slice(0, 300)}`,
    );
  }
  return JSON.parse(res.body);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; fails early if `server` exits. */
export async function waitForHttp(url, server, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`${server.name} exited before answering:\n${server.output()}`);
    try {
      const res = await request(url, { agent: false });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${server.name} did not answer ${url} within ${timeoutMs} ms:\n${server.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
