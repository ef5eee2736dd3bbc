// The CPU time of a page's main thread, from a Chromium trace: the thread time (`tdur`) of the
// top-level tasks that ran on the renderer's main thread. Thread time, not wall time, so that
// other work on a busy machine does not count (a task's wall time grows whenever the thread
// waits for a core); nested tasks are counted once, inside their outer task. The harness's own
// probes are left out: a measure that polls the page over CDP (`Runtime.evaluate`, until ready)
// runs each poll as a task on that thread, and a page that takes longer to be ready is polled
// more often, so they would count against it.

/** Trace categories that hold the top-level tasks and the thread names. */
export const TRACE_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline'];

/**
 * Milliseconds of main-thread CPU in `trace` (Chromium's JSON trace). The page's renderer main
 * thread is the one the measure's probes ran on. A trace holds every renderer of the browser,
 * and at times another one, which the page never ran on, was the busier and was counted instead
 * (about one load in ten, 25 to 300 ms more). Without probes, the busiest renderer main thread.
 */
export function mainThreadCpuMs(trace) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const tasks = new Map();
  const probes = new Map();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !mains.has(thread)) continue;
    if (isProbe(e)) {
      if (!probes.has(thread)) probes.set(thread, []);
      probes.get(thread).push(e.ts);
    }
    if (!String(e.cat).split(',').includes('toplevel')) continue;
    if (!tasks.has(thread)) tasks.set(thread, []);
    tasks.get(thread).push(e);
  }
  let busiest = 0;
  for (const [thread, list] of tasks) {
    if (probes.size > 0 && !probes.has(thread)) continue; // another page's renderer
    const probed = probes.get(thread) ?? [];
    list.sort((a, b) => a.ts - b.ts);
    let outerEnd = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const task of list) {
      if (task.ts < outerEnd) continue; // inside a task already counted
      outerEnd = task.ts + (task.dur ?? 0);
      if (probed.some((ts) => ts >= task.ts && ts <= outerEnd)) continue;
      total += task.tdur ?? task.dur ?? 0;
    }
    busiest = Math.max(busiest, total);
  }
  return busiest / 1000; // trace times are in microseconds
}

/**
 * A script run that DevTools asked for (`Runtime.evaluate`): an `EvaluateScript` without a URL.
 * The page's own scripts, inline ones too, carry their document's or file's URL.
 */
function isProbe(event) {
  return event.name === 'EvaluateScript' && !event.args?.data?.url;
}
