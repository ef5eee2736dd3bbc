// Server memory per open live stream: N visitors each open their live stream; the server's
// memory after garbage collection (memory-probe.cjs) before and after, divided by N. Against the
// bare SSE echo (bare-sse-echo.mjs) holding the same N streams, interleaved.
import path from 'node:path';
import { ChatVisitor } from '../support/chat-visitor.mjs';
import { createDatabase } from '../support/databases.mjs';
import { hilalCli, hilalEnv, seedOrganization, startHilal } from '../support/hilal.mjs';
import { ROOT, startScript } from '../support/processes.mjs';
import { interleave, knob } from '../support/rounds.mjs';

const STREAMS = knob('BENCH_STREAMS', 500);
const PROBE = ['--expose-gc', '--require', path.join(ROOT, 'bench/support/memory-probe.cjs')];

export default {
  id: 'stream-memory',
  method: `**memory per live stream**: ${STREAMS} verified visitors each open their live stream (one socket each) on \`hilal serve\` (SQLite) or on the bare echo; the server's \`process.memoryUsage()\` after three forced garbage collections (\`--expose-gc\`, \`bench/support/memory-probe.cjs\`) with the streams open, minus the same before they opened, divided by ${STREAMS}. The figure is the JS heap (\`heapUsed\`; the resident set is logged); KB = 1,024 bytes.`,
  async run({ rounds, log }) {
    const database = await createDatabase('sqlite');
    const servers = [];
    try {
      const env = hilalEnv(database);
      await hilalCli(['migrate'], env);
      const bot = await seedOrganization(env, 'Streams');
      servers.push(await startHilal(env, { nodeArgs: PROBE, ipc: true }));
      servers.push(
        await startScript('echo', path.join(ROOT, 'bench/bare-sse-echo.mjs'), {
          env: { SECRET: bot.secret },
          nodeArgs: PROBE,
          ipc: true,
        }),
      );
      const [hilal, echo] = servers;
      let opened = 0;
      const streams = async (server) => {
        const visitors = [];
        const before = await memoryOf(server);
        for (let i = 0; i < STREAMS; i += 1) {
          opened += 1;
          visitors.push(await new ChatVisitor(server.url, bot, { sub: `stream-${opened}` }).open());
        }
        const after = await memoryOf(server);
        for (const visitor of visitors) visitor.close();
        await new Promise((resolve) => setTimeout(resolve, 500)); // the server notices the closes
        return {
          heapKB: (after.heapUsed - before.heapUsed) / STREAMS / 1024,
          rssKB: (after.rss - before.rss) / STREAMS / 1024,
        };
      };
      await streams(hilal); // warm-up: code paths compiled, pools filled
      await streams(echo);
      const results = await interleave(
        rounds,
        [
          { name: 'Hilal', server: hilal },
          { name: 'echo', server: echo },
        ],
        (target) => streams(target.server),
        log,
      );
      // The resident set grows in pages and steps, so it is logged, not reported.
      log(
        `RSS per stream: Hilal ${results.Hilal.rssKB.median.toFixed(1)} KB, echo ${results.echo.rssKB.median.toFixed(1)} KB`,
      );
      return {
        rows: [
          {
            measure: 'server memory per open live stream (JS heap)',
            baseline: 'bare SSE echo',
            unit: 'KB',
            hilal: results.Hilal.heapKB,
            against: results.echo.heapKB,
            vs: 'ratio',
            goal: { on: 'hilal', at: 'most', limit: 10 },
          },
        ],
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await database.drop();
    }
  },
};

/** The server's memory after garbage collection, asked over its IPC channel. */
function memoryOf(server) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.name} did not report its memory`)),
      10_000,
    );
    server.child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message.memory);
    });
    server.child.send('memory');
  });
}
