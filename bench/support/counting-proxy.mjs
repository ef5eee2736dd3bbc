// A pass-through proxy in front of the Hilal server that notes every request reaching it —
// CORS preflights included, which a browser's own request events do not show — so the widget's
// load path can be counted from the server's side.
import http from 'node:http';

/** Listens on a free loopback port; forwards everything to `target` (`http://127.0.0.1:N`). */
export async function startCountingProxy(target) {
  const seen = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, path: req.url, at: performance.now() });
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Requests from `from` (an index into the log) on. */
    since: (from) => seen.slice(from),
    get count() {
      return seen.length;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(resolve);
      }),
  };
}
