// The CPU time of a page's main thread, from a Chromium trace: the thread time (`tdur`) of the
// top-level tasks that ran on the renderer's main thread. Thread time, not wall time, so that
// other work on a busy machine does not count (a task's wall time grows whenever the thread
// waits for a core); nested tasks are counted once, inside their outer task.

/** Trace categories that hold the top-level tasks and the thread names. */
export const TRACE_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline'];

/**
 * Milliseconds of main-thread CPU in `trace` (Chromium's JSON trace): of the renderer main
 * threads in it, the busiest — the page's own; another renderer Chromium keeps spare does little.
 */
export function mainThreadCpuMs(trace) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = new Map();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !mains.has(thread) || !String(e.cat).split(',').includes('toplevel'))
      continue;
    if (!tasks.has(thread)) tasks.set(thread, []);
    tasks.get(thread).push(e);
  }
  let busiest = 0;
  for (const list of tasks.values()) {
    list.sort((a, b) => a.ts - b.ts);
    let outerEnd = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const task of list) {
      if (task.ts < outerEnd) continue; // inside a task already counted
      outerEnd = task.ts + (task.dur ?? 0);
      total += task.tdur ?? task.dur ?? 0;
    }
    busiest = Math.max(busiest, total);
  }
  return busiest / 1000; // trace times are in microseconds
}
