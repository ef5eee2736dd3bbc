// Preloaded into a server under test (`node --expose-gc --require …/memory-probe.cjs`): on the
// message "memory" from the benchmark, collects garbage and answers with process.memoryUsage(),
// so a figure is what live objects hold, not what the collector has yet to free.
process.channel?.unref(); // the channel must not keep a stopping server alive
process.on('message', (message) => {
  if (message !== 'memory') return;
  for (let i = 0; i < 3; i += 1) global.gc();
  process.send({ memory: process.memoryUsage() });
});
