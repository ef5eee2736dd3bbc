// The dashboard's first-load JavaScript, gzipped, as its build reports it
// (packages/dashboard/scripts/check-size.mjs: the entry chunk and what it imports statically).
import path from 'node:path';
import { ROOT, runNode } from '../support/processes.mjs';

export default {
  id: 'dashboard',
  method:
    "**dashboard first-load JavaScript**: as the dashboard build prints it (`packages/dashboard/scripts/check-size.mjs`: the entry chunk and every chunk it imports statically, gzip level 9), against the build's own budget.",
  async run() {
    const output = await runNode([path.join(ROOT, 'packages/dashboard/scripts/check-size.mjs')]);
    const size = /([\d.]+) KB gzipped/.exec(output);
    const budget = /budget ([\d.]+) KB/.exec(output);
    if (!size || !budget) throw new Error(`check-size.mjs printed something else: ${output}`);
    return {
      rows: [
        {
          measure: 'dashboard first-load JavaScript, gzipped',
          unit: 'KB',
          hilal: Number(size[1]),
          goal: { on: 'hilal', at: 'most', limit: Number(budget[1]) },
        },
      ],
    };
  },
};
