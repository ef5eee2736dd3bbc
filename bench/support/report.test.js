// The report's formatting: a smoke test that the table comes out as markdown, with the ratio or
// difference against the baseline, the goal and whether it is met. No benchmark runs here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReport, formatTable, meets } from './report.mjs';

const throughput = {
  measure: 'verify-jwt throughput',
  baseline: 'bare `node:http` + HMAC',
  unit: 'req/s',
  hilal: { median: 5120, min: 4980.4, max: 5300 },
  against: { median: 8000, min: 7900, max: 8300 },
  vs: 'ratio',
  goal: { on: 'vs', at: 'least', limit: 0.8 },
};
const mainThread = {
  measure: 'widget main-thread time',
  baseline: 'a blank page',
  unit: 'ms',
  hilal: { median: 52, min: 50, max: 61 },
  against: { median: 40, min: 38, max: 44 },
  vs: 'delta',
  goal: { on: 'vs', at: 'most', limit: 20 },
};
const bytes = {
  measure: '`chat_v3.js` | bytes',
  unit: 'bytes',
  hilal: 11_017,
  goal: { on: 'hilal', at: 'most', limit: 11_500 },
};

describe('the benchmark report', () => {
  it('writes one markdown row per figure: median (range), baseline, comparison, goal, met', () => {
    assert.equal(
      formatTable([throughput, mainThread, bytes]),
      [
        '| measure | Hilal | baseline | vs baseline | goal | met? |',
        '|---|---|---|---|---|---|',
        '| verify-jwt throughput vs bare `node:http` + HMAC | 5,120 req/s (4,980–5,300) | 8,000 req/s (7,900–8,300) | 0.64× | ≥ 0.8× | **no** |',
        '| widget main-thread time vs a blank page | 52.0 ms (50.0–61.0) | 40.0 ms (38.0–44.0) | +12.0 ms | ≤ +20.0 ms | yes |',
        '| `chat_v3.js` \\| bytes | 11,017 B | — | — | ≤ 11,500 B | yes |',
      ].join('\n'),
    );
  });

  it('meets a goal on the boundary, and has no verdict without a goal or a figure', () => {
    assert.equal(meets({ ...bytes, hilal: 11_500 }), true);
    assert.equal(meets({ ...bytes, hilal: 11_501 }), false);
    assert.equal(meets({ ...bytes, goal: undefined }), undefined);
    assert.equal(meets({ ...throughput, against: { median: 0, min: 0, max: 0 } }), undefined);
  });

  it('heads the report with the date, commit, machine and rounds, and counts the goals missed', () => {
    const report = formatReport({
      meta: {
        date: new Date(Date.UTC(2026, 10, 30, 21, 40)),
        commit: 'abc1234 (A commit)',
        dirty: false,
        machine: {
          cpu: 'AMD EPYC',
          cores: 2,
          memoryBytes: 24 * 1024 ** 3,
          os: 'Linux 6',
          node: 'v20.20.2',
        },
        rounds: 5,
        durationMs: 754_000,
        loadBefore: 0.5,
        loadAfter: 1.25,
      },
      rows: [throughput, mainThread],
      sections: [{ title: 'Inbox', markdown: '| a |\n|---|' }],
      methods: ['**verify-jwt**: autocannon.'],
    });
    assert.match(report, /^# Benchmark results\n/);
    assert.match(report, /\*\*Date:\*\* 2026-11-30 21:40 UTC/);
    assert.match(report, /\*\*Commit:\*\* abc1234 \(A commit\)\n/);
    assert.match(
      report,
      /\*\*Machine:\*\* AMD EPYC, 2 cores, 24\.0 GiB memory, Linux 6, Node v20\.20\.2/,
    );
    assert.match(report, /\*\*Rounds:\*\* 5,/);
    assert.match(report, /\*\*Took:\*\* 12 min 34 s\n/);
    assert.match(report, /Goals missed: 1 of 2\./);
    assert.match(report, /## Inbox\n\n\| a \|/);
    assert.match(report, /## How each figure is measured\n\n- \*\*verify-jwt\*\*: autocannon\.\n$/);
  });
});
