// The peer transport over real loopback sockets: batches arrive in order, a large snapshot travels on its
// own connection (so heartbeats sent after it arrive before it), and its outcome is reported.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType, message, type Message, type NodeId } from '../../../src/raft/index.js';
import { PeerTransport } from '../../../src/server/transport.js';
import { freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

const transports: PeerTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

interface Endpoint {
  transport: PeerTransport;
  received: Message[];
  snapshots: { peer: NodeId; ok: boolean }[];
  url: string;
}

async function endpoint(clusterId = 7n): Promise<Endpoint> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const e: Endpoint = { received: [], snapshots: [], url, transport: undefined as unknown as PeerTransport };
  e.transport = new PeerTransport(clusterId, {
    receive: (messages) => e.received.push(...messages),
    unreachable: () => {},
    snapshotSent: (peer, ok) => e.snapshots.push({ peer, ok }),
    membersJson: () => '[]',
  });
  await e.transport.listen(url);
  transports.push(e.transport);
  return e;
}

describe('peer transport', () => {
  it('delivers batches in order, and heartbeats overtake a large snapshot on its own connection', async () => {
    const a = await endpoint();
    const b = await endpoint();
    a.transport.setPeers(new Map([[2n, [b.url]]]));
    await until('the link', () => {
      a.transport.send([message({ type: MessageType.Heartbeat, from: 1n, to: 2n, term: 1 })]);
      return b.received.length > 0;
    });
    b.received.length = 0;

    const data = new Uint8Array(64 * 1024 * 1024).fill(9);
    const snapshot = message({
      type: MessageType.Snap,
      from: 1n,
      to: 2n,
      term: 1,
      snapshot: { metadata: { index: 10, term: 1, confState: { voters: [1n, 2n], learners: [] } }, data },
    });
    a.transport.send([snapshot]);
    for (let i = 0; i < 5; i++) a.transport.send([message({ type: MessageType.App, from: 1n, to: 2n, term: 1, index: i })]);
    await until('the snapshot', () => b.received.some((m) => m.type === MessageType.Snap));
    const order = b.received.filter((m) => m.type !== MessageType.Heartbeat).map((m) => (m.type === MessageType.Snap ? 'snap' : `app${m.index}`));
    expect(order.indexOf('app0')).toBeLessThan(order.indexOf('snap'));
    expect(order.filter((o) => o.startsWith('app'))).toEqual(['app0', 'app1', 'app2', 'app3', 'app4']);
    const received = b.received.find((m) => m.type === MessageType.Snap)!;
    expect(received.snapshot!.data.length).toBe(data.length);
    expect(received.snapshot!.metadata).toEqual(snapshot.snapshot!.metadata);
    await until('the snapshot report', () => a.snapshots.length > 0);
    expect(a.snapshots).toEqual([{ peer: 2n, ok: true }]);
  });

  it('reports a snapshot to an unreachable peer as failed, and ignores members of another cluster', async () => {
    const a = await endpoint();
    a.transport.setPeers(new Map([[3n, [`http://127.0.0.1:${await freePort()}`]]]));
    a.transport.send([message({ type: MessageType.Snap, from: 1n, to: 3n, term: 1, snapshot: { metadata: { index: 1, term: 1, confState: { voters: [], learners: [] } }, data: new Uint8Array(10) } })]);
    await until('the failure report', () => a.snapshots.length > 0);
    expect(a.snapshots).toEqual([{ peer: 3n, ok: false }]);

    const stranger = await endpoint(99n);
    const b = await endpoint();
    stranger.transport.setPeers(new Map([[2n, [b.url]]]));
    for (let i = 0; i < 20; i++) {
      stranger.transport.send([message({ type: MessageType.Heartbeat, from: 5n, to: 2n, term: 1 })]);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(b.received).toEqual([]);
  });
});

describe('resuming a snapshot', () => {
  it('a transfer cut halfway is resumed from where it stopped, not restarted', async () => {
    const a = await endpoint();
    const b = await endpoint();
    // A proxy in front of b that cuts the first snapshot connection after 20 MiB and counts what it carries.
    const carried: number[] = [];
    const proxyPort = await freePort();
    const target = new URL(b.url);
    const open = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const upstream = connect({ host: target.hostname, port: Number(target.port) });
      open.add(client).add(upstream);
      const which = carried.push(0) - 1;
      client.on('data', (chunk: Buffer) => {
        carried[which]! += chunk.length;
        upstream.write(chunk);
        const isSnapshot = which > 0;
        if (isSnapshot && which === 1 && carried[which]! > 20 * 1024 * 1024) {
          client.destroy();
          upstream.destroy();
        }
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
    try {
      a.transport.setPeers(new Map([[2n, [`http://127.0.0.1:${proxyPort}`]]]));
      await until('the link', () => {
        a.transport.send([message({ type: MessageType.Heartbeat, from: 1n, to: 2n, term: 1 })]);
        return b.received.length > 0;
      });

      const data = new Uint8Array(48 * 1024 * 1024).map((_, i) => i % 251);
      const snapshot = message({
        type: MessageType.Snap,
        from: 1n,
        to: 2n,
        term: 1,
        snapshot: { metadata: { index: 30, term: 1, confState: { voters: [1n, 2n], learners: [] } }, data },
      });
      a.transport.send([snapshot]);
      await until('the first attempt to end', () => a.snapshots.length === 1);
      expect(a.snapshots[0]).toEqual({ peer: 2n, ok: false });

      a.transport.send([snapshot]); // raft retries the same snapshot
      await until('the snapshot', () => b.received.some((m) => m.type === MessageType.Snap));
      const received = b.received.find((m) => m.type === MessageType.Snap)!;
      expect(Buffer.from(received.snapshot!.data).equals(Buffer.from(data))).toBe(true);
      await until('the second report', () => a.snapshots.length === 2);
      expect(a.snapshots[1]).toEqual({ peer: 2n, ok: true });
      // The second connection carried only what was missing.
      expect(carried[2]!).toBeLessThan(data.length - 10 * 1024 * 1024);
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  }, 30_000);
});
