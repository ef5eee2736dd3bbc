// The CPU time of a page's main thread, from a Chromium trace: the thread time (`tdur`) of the
// top-level tasks that ran on the renderer's main thread. Thread time, not wall time, so that
// other work on a busy machine does not count (a task's wall time grows whenever the thread
// waits for a core); nested tasks are counted once, inside their outer task. The harness's own
// probes are left out: a measure that polls the page over CDP (`Runtime.evaluate`, until ready)
// runs each poll as a task on that thread, and a page that takes longer to be ready is polled
// more often, so they would count against it. So is the cost of the stack traces DevTools takes
// for its network log: Playwright's connection has the Network domain on, which names the script
// stack of every request a page makes, and V8, which compiles without source positions, parses
// the calling functions again to find them (\`V8.CollectSourcePositions\`: for a request made
// while a bundle's top level runs, the whole bundle, 3 to 5 ms on this machine). A page without
// DevTools attached never does that work.

/**
 * Trace categories that hold the top-level tasks, the thread names, the probes (devtools.timeline)
 * and the source positions collected for DevTools (v8.compile).
 */
export const TRACE_CATEGORIES = [
  'toplevel',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.compile',
];

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
  const positions = new Map();
  const add = (map, thread, value) => {
    if (!map.has(thread)) map.set(thread, []);
    map.get(thread).push(value);
  };
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !mains.has(thread)) continue;
    if (isProbe(e)) add(probes, thread, e.ts);
    if (e.name === 'V8.CollectSourcePositions') add(positions, thread, e);
    if (!String(e.cat).split(',').includes('toplevel')) continue;
    if (!tasks.has(thread)) tasks.set(thread, []);
    tasks.get(thread).push(e);
  }
  let busiest = 0;
  for (const [thread, list] of tasks) {
    if (probes.size > 0 && !probes.has(thread)) continue; // another renderer
    const probed = probes.get(thread) ?? [];
    const collected = outermost(positions.get(thread) ?? []);
    let total = 0;
    for (const task of outermost(list)) {
      const end = task.ts + (task.dur ?? 0);
      const within = (e) => e.ts >= task.ts && e.ts <= end;
      if (probed.some((ts) => ts >= task.ts && ts <= end)) continue;
      total += time(task);
      for (const e of collected.filter(within)) total -= time(e);
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

/** The events of `list` (one thread's) not nested in another of them, in order. */
function outermost(list) {
  const sorted = [...list].sort((a, b) => a.ts - b.ts);
  let end = Number.NEGATIVE_INFINITY;
  return sorted.filter((e) => {
    if (e.ts < end) return false;
    end = e.ts + (e.dur ?? 0);
    return true;
  });
}

/** An event's thread time in microseconds (its wall time if the trace has none). */
const time = (e) => e.tdur ?? e.dur ?? 0;
