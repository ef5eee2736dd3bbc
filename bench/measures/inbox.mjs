// The inbox benchmark (bench/inbox.mjs, the inbox's own: its queries at 100,000 conversations
// against its p95 goal), run as it is and its table carried into the report as a section.
import path from 'node:path';
import { ROOT, runNode } from '../support/processes.mjs';
import { knob } from '../support/rounds.mjs';

const SAMPLES = knob('BENCH_INBOX_SAMPLES', 50);

export default {
  id: 'inbox',
  method: `**inbox**: \`bench/inbox.mjs\` as it is, with \`BENCH_INBOX_SAMPLES=${SAMPLES}\` (see that file): the dashboard's inbox queries through the real app in one process, p50 and p95 against its goal; no baseline, no rounds.`,
  async run({ log }) {
    const output = await runNode([path.join(ROOT, 'bench/inbox.mjs')], {
      env: {
        BENCH_INBOX_SAMPLES: String(SAMPLES),
        ...(process.env.BENCH_INBOX_N ? { BENCH_INBOX_N: process.env.BENCH_INBOX_N } : {}),
        ...(process.env.HILAL_TEST_POSTGRES_URL
          ? { HILAL_TEST_POSTGRES_URL: process.env.HILAL_TEST_POSTGRES_URL }
          : {}),
      },
      timeoutMs: 15 * 60_000,
    });
    const lines = output.split('\n');
    const table = lines.filter((line) => line.startsWith('|'));
    if (table.length < 3) throw new Error(`bench/inbox.mjs printed no table:\n${output}`);
    const notes = lines.filter((line) => line.trim() !== '' && !line.startsWith('|'));
    for (const note of notes) log(note.trim());
    return {
      rows: [],
      sections: [
        {
          title: 'Inbox (`bench/inbox.mjs`)',
          markdown: [...notes.map((n) => n.trim()), '', ...table].join('\n'),
        },
      ],
    };
  },
};
