// Run by self-connect.test.ts inside a network namespace of its own whose ephemeral ports are 40000-40001.
// With 40001 held, a dial to 127.0.0.1:40000 (nobody listening) can only leave from 40000: the socket
// connects to itself. The peer then starts listening on 40000, and the probe reports whether the link
// reaches it. Prints one JSON line.

import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { MessageType, message, type Message } from '../../../src/raft/index.js';
import { PeerTransport } from '../../../src/server/transport.js';
import { until } from '../../support/wait.js';

const PEER_PORT = 40000;
const hex = PEER_PORT.toString(16).toUpperCase();

function transport(received: Message[]): PeerTransport {
  return new PeerTransport(7n, { receive: (messages) => received.push(...messages), unreachable: () => {}, snapshotSent: () => {}, membersJson: () => '[]' });
}

/** A loopback connection whose two ends are both 127.0.0.1:40000, in any state (/proc/net/tcp is per namespace). */
function selfConnectionSeen(): boolean {
  return readFileSync('/proc/net/tcp', 'utf8').includes(`0100007F:${hex} 0100007F:${hex}`);
}

const holder = createServer();
await new Promise<void>((resolve) => holder.listen(PEER_PORT + 1, '127.0.0.1', resolve));
const dialler = transport([]);
await dialler.listen('http://127.0.0.1:7001');
dialler.setPeers(new Map([[2n, [`http://127.0.0.1:${PEER_PORT}`]]]));
await until('a connection to itself', selfConnectionSeen, { timeoutMs: 10_000 });

await new Promise<void>((resolve) => holder.close(() => resolve()));
const received: Message[] = [];
const peer = transport(received);
await peer.listen(`http://127.0.0.1:${PEER_PORT}`);
const start = Date.now();
const delivered = await until('the peer to hear from the link', () => {
  dialler.send([message({ type: MessageType.Heartbeat, from: 1n, to: 2n, term: 1 })]);
  return received.length > 0;
}, { timeoutMs: 10_000, pollMs: 50 }).then(() => true, () => false);
console.log(JSON.stringify({ delivered, ms: Date.now() - start }));
await Promise.all([dialler.close(), peer.close()]);
