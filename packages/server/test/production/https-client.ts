import https from 'node:https';

export interface HttpsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): Record<string, unknown>;
}

/**
 * One request over HTTPS that trusts `ca` (the test's self-signed certificate) and checks the
 * server's name against it, as a client of a real deployment would. Node's fetch offers no way
 * to pass a CA, so this is `node:https`.
 */
export function httpsRequest(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpsResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ca,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(15_000, () => request.destroy(new Error(`${url}: no answer in 15 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

export interface HttpsStream {
  /** Resolves once the body so far matches `pattern`; fails after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * A response read as it arrives (a live stream), over HTTPS trusting `ca`. Fails when its
 * headers have not arrived within `timeoutMs` (a buffering proxy holds them with the body).
 */
export function openHttpsStream(
  url: string,
  ca: string,
  headers: Record<string, string>,
  timeoutMs = 5_000,
): Promise<HttpsStream> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`${url}: no response headers within ${timeoutMs} ms`));
    }, timeoutMs);
    const request = https.request(url, { ca, agent: false, headers }, (response) => {
      clearTimeout(timer);
      if (response.statusCode !== 200) {
        reject(new Error(`${url}: ${response.statusCode}`));
        response.destroy();
        return;
      }
      let text = '';
      const waiters = new Set<() => void>();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const wake of waiters) wake();
      });
      response.on('error', () => {});
      resolve({
        waitFor: (pattern, timeoutMs) =>
          new Promise<void>((done, fail) => {
            const expire = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`${url}: nothing matched ${pattern} within ${timeoutMs} ms`));
            }, timeoutMs);
            function check() {
              if (!pattern.test(text)) return;
              waiters.delete(check);
              clearTimeout(expire);
              done();
            }
            waiters.add(check);
            check();
          }),
        close: () => request.destroy(),
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end();
  });
}
