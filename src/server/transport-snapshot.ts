// A snapshot travels on a connection of its own, in chunks, so the peer's regular link (heartbeats,
// appends) never queues behind it. The connection opens with SNAPSHOT_MAGIC, a frame with the MsgSnap
// (without its data) and the data's length (u64); the receiver answers with how many bytes of that same
// snapshot it already holds from a broken earlier attempt (u64), the sender goes on from there, and the
// receiver sends one byte once it holds everything.

import type { Socket } from 'node:net';
import type { Message } from '../raft/index.js';
import { encodeRaftBatch } from './raft-frame-writer.js';
import { dialPeer, type LinkOwner } from './transport-link.js';

/** Opens a connection that carries one snapshot. */
export const SNAPSHOT_MAGIC = 'SNAP';
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
/** The byte a receiver sends once it holds the whole snapshot. */
const SNAPSHOT_RECEIVED = 0x4b;
/** How long a broken snapshot transfer's bytes are kept for the sender to resume. */
const PARTIAL_SNAPSHOT_TTL_MS = 60_000;

interface PartialSnapshot {
  readonly key: string;
  readonly message: Message;
  readonly total: number;
  readonly chunks: Buffer[];
  received: number;
  /** When bytes last arrived. */
  touched: number;
}

/** The receiving side; keeps the pieces of snapshots whose connection broke a while, for the sender to resume. */
export class SnapshotReceiver {
  private readonly partialSnapshots = new Map<string, PartialSnapshot>();

  /**
   * Reads one snapshot from `socket` (its bytes after the magic so far in `first`); `decodeFrame` gives a
   * frame's messages (undefined for garbage or another cluster's), `deliver` gets the whole MsgSnap.
   */
  receive(socket: Socket, first: Buffer, decodeFrame: (frame: Buffer) => Message[] | undefined, deliver: (m: Message) => void): void {
    let buffered: Buffer = first;
    let partial: PartialSnapshot | undefined;
    const onData = (chunk: Buffer): void => {
      if (partial === undefined) {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        if (buffered.length < 4) return;
        const length = buffered.readUInt32BE(0);
        if (buffered.length < 4 + length + 8) return;
        const messages = decodeFrame(buffered.subarray(4, 4 + length));
        const message = messages?.length === 1 ? messages[0] : undefined;
        if (!message?.snapshot) {
          socket.destroy();
          return;
        }
        const total = Number(buffered.readBigUInt64BE(4 + length));
        const { index, term } = message.snapshot.metadata;
        const key = `${message.from}/${term}/${index}/${total}`;
        partial = this.partialSnapshots.get(key) ?? { key, message, total, chunks: [], received: 0, touched: 0 };
        this.partialSnapshots.set(key, partial);
        const offset = Buffer.alloc(8);
        offset.writeBigUInt64BE(BigInt(partial.received));
        socket.write(offset);
        chunk = buffered.subarray(4 + length + 8);
      }
      partial.touched = Date.now();
      if (chunk.length > 0) {
        partial.chunks.push(chunk);
        partial.received += chunk.length;
      }
      if (partial.received > partial.total) {
        this.partialSnapshots.delete(partial.key);
        socket.destroy();
      } else if (partial.received === partial.total) {
        this.partialSnapshots.delete(partial.key);
        const snap = partial.message;
        deliver({ ...snap, snapshot: { metadata: snap.snapshot!.metadata, data: Buffer.concat(partial.chunks, partial.total) } });
        socket.end(Uint8Array.of(SNAPSHOT_RECEIVED));
      }
    };
    socket.on('data', onData);
    onData(Buffer.alloc(0));
    this.dropStalePartials();
  }

  private dropStalePartials(): void {
    const cutoff = Date.now() - PARTIAL_SNAPSHOT_TTL_MS;
    for (const [key, partial] of this.partialSnapshots) if (partial.touched !== 0 && partial.touched < cutoff) this.partialSnapshots.delete(key);
  }
}

/**
 * Sends a snapshot to the peer at `url` in chunks that wait for the socket to drain; a retry of the same
 * snapshot resumes where the receiver's copy stopped. `done` hears how it ended.
 */
export function sendSnapshot(m: Message, url: string, owner: LinkOwner, done: (ok: boolean) => void): void {
  let ok = false;
  const socket = dialPeer(url, owner.localAddress, owner.tls, () => {
    const data = m.snapshot!.data;
    const header = encodeRaftBatch(owner.clusterId, [{ ...m, snapshot: { metadata: m.snapshot!.metadata, data: new Uint8Array(0) } }]);
    const prefix = Buffer.alloc(4 + 4 + header.length + 8);
    prefix.write(SNAPSHOT_MAGIC, 0, 'latin1');
    prefix.writeUInt32BE(header.length, 4);
    Buffer.from(header).copy(prefix, 8);
    prefix.writeBigUInt64BE(BigInt(data.length), 8 + header.length);
    socket.write(prefix);
    // The receiver answers twice: the offset to go on from (u64), then one byte once it has everything.
    let reply: Buffer = Buffer.alloc(0);
    let sending = false;
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (!sending && reply.length >= 8) {
        sending = true;
        streamSnapshotData(socket, data, Number(reply.readBigUInt64BE(0))).catch(() => socket.destroy());
      }
      if (reply.length > 8 && reply[8] === SNAPSHOT_RECEIVED) {
        ok = true;
        socket.end();
      }
    });
  });
  socket.on('error', () => {});
  socket.once('close', () => done(ok));
}

async function streamSnapshotData(socket: Socket, data: Uint8Array, offset: number): Promise<void> {
  for (let at = offset; at < data.length; at += SNAPSHOT_CHUNK_BYTES) {
    if (socket.destroyed) return;
    if (!socket.write(data.subarray(at, at + SNAPSHOT_CHUNK_BYTES))) await new Promise((resolve) => socket.once('drain', resolve));
  }
}
