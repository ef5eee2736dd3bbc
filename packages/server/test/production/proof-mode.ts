/**
 * The production suites run in two forms: a short one in `npm test` (bounded so that the whole
 * run grows by about a minute), and a long one under `npm run proof`, which sets HILAL_PROOF=1
 * (scripts/proof.mjs). The faults suite reads the same variable.
 */
export const PROOF = process.env.HILAL_PROOF === '1';

/** `short` in `npm test`, `long` under `npm run proof`. */
export function byForm<T>(short: T, long: T): T {
  return PROOF ? long : short;
}

/**
 * Prints one suite's figures on one line, `[figures] <suite> (<form>): key=value …`, which
 * `npm run proof` collects at the end of its output.
 */
export function printFigures(suite: string, figures: Record<string, string | number>): void {
  const text = Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  console.log(`[figures] ${suite} (${PROOF ? 'long' : 'short'} form): ${text}`);
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
