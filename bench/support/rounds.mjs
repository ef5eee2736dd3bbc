// Interleaved rounds: every target runs once per round, in the same order (A B A B …), so that
// whatever else the machine does spreads over both sides of a comparison instead of one.
import { summarize } from './stats.mjs';

/**
 * Runs `run(target, round)` for each target in each round; each run returns an object of
 * figures. Resolves with, per target name, each figure summarized over the rounds.
 */
export async function interleave(rounds, targets, run, log) {
  const results = Object.fromEntries(targets.map((target) => [target.name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      const figures = await run(target, round);
      results[target.name].push(figures);
      const shown = Object.entries(figures)
        .map(([key, value]) => `${key} ${Number.isInteger(value) ? value : value.toFixed(2)}`)
        .join(', ');
      log(`round ${round} ${target.name}: ${shown}`);
    }
  }
  return Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [
      name,
      Object.fromEntries(
        Object.keys(runs[0] ?? {}).map((key) => [
          key,
          summarize(runs.map((figures) => figures[key])),
        ]),
      ),
    ]),
  );
}

/** A whole number from the environment, or `fallback`. */
export function knob(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
