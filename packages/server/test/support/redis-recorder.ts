import net from 'node:net';

/** One write a client made to Redis: the commands it carried, each as its arguments. */
export type RedisWrite = string[][];

export interface RedisRecorder {
  /** `redis://127.0.0.1:N`: connect here instead of to Redis itself. */
  readonly url: string;
  /** The writes every client made, in the order they reached the recorder, while `run` ran. */
  record(run: () => Promise<void>): Promise<RedisWrite[]>;
  close(): Promise<void>;
}

/**
 * A pass-through TCP proxy in front of Redis that notes what clients write, one entry per chunk
 * read from a client: each is one write of the client, so the entries count the round trips the
 * client pays (commands a client pipelines leave in one write). Two writes could only reach the
 * proxy as one chunk if the second was made before the proxy read the first, never when the
 * second waited for the first's answer; a write of a few hundred bytes is never split.
 */
export async function startRedisRecorder(target: string): Promise<RedisRecorder> {
  const { hostname, port } = new URL(target);
  let recording: RedisWrite[] | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    const commands = resp();
    client.on('data', (chunk: Buffer) => {
      const write = commands(chunk);
      if (recording !== undefined && write.length > 0) recording.push(write);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${listening}`,
    async record(run) {
      const writes: RedisWrite[] = [];
      recording = writes;
      try {
        await run();
      } finally {
        recording = undefined;
      }
      return writes;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A reader of what a client sends (RESP: an array of bulk strings per command); given the next
 * chunk, returns the commands it completed.
 */
function resp(): (chunk: Buffer) => string[][] {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    const commands: string[][] = [];
    for (;;) {
      const parsed = command(pending);
      if (parsed === undefined) break;
      commands.push(parsed.args);
      pending = pending.subarray(parsed.length);
    }
    return commands;
  };
}

function command(buffer: Buffer): { args: string[]; length: number } | undefined {
  const line = (from: number) => {
    const endAt = buffer.indexOf('\r\n', from);
    return endAt === -1
      ? undefined
      : { text: buffer.toString('latin1', from, endAt), next: endAt + 2 };
  };
  const header = line(0);
  if (header === undefined || !header.text.startsWith('*')) return undefined;
  const args: string[] = [];
  let at = header.next;
  for (let i = 0; i < Number(header.text.slice(1)); i += 1) {
    const size = line(at);
    if (size === undefined) return undefined;
    const end = size.next + Number(size.text.slice(1));
    if (buffer.length < end + 2) return undefined;
    args.push(buffer.toString('utf8', size.next, end));
    at = end + 2;
  }
  return { args, length: at };
}
