// The one report of `npm run bench`: a markdown table with a row per figure, each next to its
// baseline from the same run, and a header saying when, where and on which commit it ran. Pure
// formatting (no I/O), so report.test.js can check it.

/**
 * A row, as the measures produce it:
 * - `measure`: what is measured; `baseline`: what it is compared with (the row reads "X vs Y");
 * - `unit`: one of UNITS;
 * - `hilal`, `against`: a summary `{ median, min, max }` over the rounds, or a plain number;
 * - `vs`: `'ratio'` (Hilal ÷ baseline) or `'delta'` (Hilal − baseline), how the two compare;
 * - `goal`: `{ on: 'vs' | 'hilal', at: 'most' | 'least', limit }`, from issue 9's table.
 * @typedef {{ median: number, min: number, max: number }} Summary
 * @typedef {{ measure: string, baseline?: string, unit: keyof typeof UNITS, hilal: Summary | number,
 *   against?: Summary | number, vs?: 'ratio' | 'delta', goal?: { on: 'vs' | 'hilal', at: 'most' | 'least', limit: number } }} Row
 */

/** How each unit is written: its suffix and how many decimals a value of it gets. */
export const UNITS = {
  ms: { suffix: ' ms', decimals: (v) => (Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0) },
  'req/s': { suffix: ' req/s', decimals: () => 0 },
  'msg/s': { suffix: ' msg/s', decimals: () => 0 },
  '/s': { suffix: '/s', decimals: () => 0 },
  bytes: { suffix: ' B', decimals: () => 0 },
  KB: { suffix: ' KB', decimals: () => 1 },
  requests: { suffix: '', decimals: () => 0 },
};

const COLUMNS = ['measure', 'Hilal', 'baseline', 'vs baseline', 'goal', 'met?'];

export function formatNumber(value, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  const decimals = UNITS[unit].decimals(value);
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

const middle = (figure) => (typeof figure === 'number' ? figure : figure.median);

/** `5,120 req/s (4,980–5,300)`: the median and, over several rounds, the range. */
export function formatFigure(figure, unit) {
  const { suffix } = UNITS[unit];
  if (typeof figure === 'number') return `${formatNumber(figure, unit)}${suffix}`;
  const main = `${formatNumber(figure.median, unit)}${suffix}`;
  if (figure.min === figure.max) return main;
  return `${main} (${formatNumber(figure.min, unit)}–${formatNumber(figure.max, unit)})`;
}

/** Hilal against its baseline: the ratio of the medians, or their difference. */
export function compare(row) {
  if (row.vs === undefined || row.against === undefined) return undefined;
  const hilal = middle(row.hilal);
  const against = middle(row.against);
  return row.vs === 'ratio' ? hilal / against : hilal - against;
}

function formatCompared(row, value) {
  if (value === undefined) return '—';
  if (row.vs === 'ratio') return `${value.toFixed(value < 10 ? 2 : 1)}×`;
  return `${value >= 0 ? '+' : '−'}${formatNumber(Math.abs(value), row.unit)}${UNITS[row.unit].suffix}`;
}

function formatGoal(row) {
  const { goal } = row;
  if (goal === undefined) return '—';
  const sign = goal.at === 'most' ? '≤' : '≥';
  if (goal.on === 'hilal') return `${sign} ${formatFigure(goal.limit, row.unit)}`;
  if (row.vs === 'ratio') return `${sign} ${goal.limit}×`;
  return `${sign} +${formatFigure(goal.limit, row.unit)}`;
}

/** Whether the row meets its goal; undefined when it has none or its figure is missing. */
export function meets(row) {
  const { goal } = row;
  if (goal === undefined) return undefined;
  const value = goal.on === 'hilal' ? middle(row.hilal) : compare(row);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return goal.at === 'most' ? value <= goal.limit : value >= goal.limit;
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown table of `rows`. */
export function formatTable(rows) {
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const met = meets(row);
    const measure = row.baseline ? `${row.measure} vs ${row.baseline}` : row.measure;
    lines.push(
      `| ${[
        measure,
        formatFigure(row.hilal, row.unit),
        row.against === undefined ? '—' : formatFigure(row.against, row.unit),
        formatCompared(row, compare(row)),
        formatGoal(row),
        met === undefined ? '—' : met ? 'yes' : '**no**',
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

const GIB = 1024 ** 3;

/** The header lines: date, commit, machine, rounds. */
export function formatHeader(meta) {
  const { machine } = meta;
  const minutes = Math.floor(meta.durationMs / 60_000);
  const seconds = Math.round((meta.durationMs % 60_000) / 1000);
  return [
    `- **Date:** ${meta.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- **Commit:** ${meta.commit}${meta.dirty ? ' (with uncommitted changes)' : ''}`,
    `- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / GIB).toFixed(1)} GiB memory, ${machine.os}, Node ${machine.node}`,
    `- **Rounds:** ${meta.rounds}, Hilal and its baseline interleaved (A B A B …); each figure is the median of the rounds, (min–max) their spread; "vs baseline" compares the medians`,
    `- **Load average** (1 min) before and after: ${meta.loadBefore.toFixed(2)}, ${meta.loadAfter.toFixed(2)}`,
    `- **Took:** ${minutes} min ${seconds} s${meta.subset ? `, measures: ${meta.subset}` : ''}`,
  ].join('\n');
}

/**
 * The whole report: title, header, the table, then each measure's own section (e.g. the inbox's
 * table) and how every figure was measured.
 */
export function formatReport({ meta, rows, sections = [], methods = [] }) {
  const parts = [
    '# Benchmark results',
    'Written by `npm run bench` (`bench/run.mjs`); regenerate it rather than edit it.',
    formatHeader(meta),
    formatTable(rows),
  ];
  const missed = rows.filter((row) => meets(row) === false).map((row) => row.measure);
  if (missed.length > 0)
    parts.push(`Goals missed: ${missed.length} of ${rows.filter((row) => row.goal).length}.`);
  for (const section of sections) parts.push(`## ${section.title}`, section.markdown);
  if (methods.length > 0) {
    parts.push('## How each figure is measured', methods.map((line) => `- ${line}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
