// A TCP proxy that can stall: after stall() it keeps every connection open and passes nothing either way,
// which is how a peer that vanished without a reset (a host frozen, a cable pulled) looks from the other end.

import { connect, createServer, type Socket } from 'node:net';

export interface StallingProxy {
  /** host:port to connect to instead of the target. */
  readonly endpoint: string;
  /** Bytes passed on to the target so far. */
  forwarded(): number;
  stall(): void;
  close(): Promise<void>;
}

/** A proxy to `target` (host:port) on a free loopback port. */
export async function stallingProxy(target: string): Promise<StallingProxy> {
  const [host, port] = target.split(':') as [string, string];
  let stalled = false;
  let forwarded = 0;
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(Number(port), host);
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        if (from === inbound) forwarded += chunk.length;
        to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as { port: number }).port}`,
    forwarded: () => forwarded,
    stall: () => {
      stalled = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
