// Raft messages between members over one long-lived TCP connection per peer pair: each side dials its
// peers, and everything queued for a peer since the last write goes out as one length-prefixed frame.
// Snapshots travel on a connection of their own, in chunks, so heartbeats never wait behind them.
// Messages for a peer that is not connected are dropped (raft retransmits), and the peer is reported
// unreachable so the leader stops pipelining to it; a broken connection is redialled with backoff.

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Message, NodeId } from '../raft/index.js';
import { MessageType } from '../raft/index.js';
import { decodeRaftBatch, encodeRaftBatch } from './raft-codec.js';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
/** A frame larger than this is refused: it cannot come from a well-behaved member. */
const MAX_FRAME_BYTES = 512 * 1024 * 1024;
/** Opens a connection that carries one snapshot. */
const SNAPSHOT_MAGIC = 'SNAP';
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

export interface TransportEvents {
  /** The member list as JSON, served at GET /members on the peer URL (how a joining member learns its id). */
  membersJson(): string;
  /** Messages received from a peer of this cluster. */
  receive(messages: Message[]): void;
  unreachable(peer: NodeId): void;
  snapshotSent(peer: NodeId, ok: boolean): void;
}

export function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

class PeerLink {
  private socket: Socket | undefined;
  private connecting = false;
  private queue: Message[] = [];
  private flushScheduled = false;
  private backoff = MIN_BACKOFF_MS;
  private closed = false;

  constructor(
    readonly id: NodeId,
    private urls: readonly string[],
    private readonly transport: PeerTransport,
  ) {
    this.dial();
  }

  setUrls(urls: readonly string[]): void {
    this.urls = urls;
  }

  get url(): string | undefined {
    return this.urls[0];
  }

  send(m: Message): void {
    if (!this.socket) {
      this.transport.events.unreachable(this.id);
      return;
    }
    this.queue.push(m);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const messages = this.queue;
    this.queue = [];
    const socket = this.socket;
    if (!socket || messages.length === 0) return;
    const body = encodeRaftBatch(this.transport.clusterId, messages);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    socket.write(header);
    socket.write(body);
  }

  private dial(): void {
    if (this.closed || this.connecting || this.urls.length === 0) return;
    this.connecting = true;
    const { host, port } = hostPort(this.urls[0]!);
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      this.connecting = false;
      this.backoff = MIN_BACKOFF_MS;
      this.socket = socket;
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      this.connecting = false;
      if (this.socket === socket) this.socket = undefined;
      if (this.closed) return;
      setTimeout(() => this.dial(), this.backoff).unref();
      this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}

export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private server: Server | undefined;
  private readonly inbound = new Set<Socket>();

  constructor(
    readonly clusterId: bigint,
    readonly events: TransportEvents,
  ) {}

  async listen(url: string): Promise<void> {
    const { host, port } = hostPort(url);
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  /** Keeps a link to every peer in `peers` (id → peer URLs) and drops links to anyone else. */
  setPeers(peers: ReadonlyMap<NodeId, readonly string[]>): void {
    for (const [id, urls] of peers) {
      const link = this.links.get(id);
      if (link) link.setUrls(urls);
      else this.links.set(id, new PeerLink(id, urls, this));
    }
    for (const [id, link] of this.links) {
      if (!peers.has(id)) {
        link.close();
        this.links.delete(id);
      }
    }
  }

  send(messages: readonly Message[]): void {
    for (const m of messages) {
      if (m.type === MessageType.Snap) {
        this.sendSnapshot(m);
        continue;
      }
      this.links.get(m.to)?.send(m);
    }
  }

  private accept(socket: Socket): void {
    this.inbound.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.once('close', () => this.inbound.delete(socket));
    // The first bytes say what the connection carries: the member list, a snapshot, or raft frames.
    socket.once('data', (first: Buffer) => {
      const magic = first.subarray(0, 4).toString('latin1');
      if (magic === 'GET ') this.answerHttp(socket, first.toString('latin1'));
      else if (magic === SNAPSHOT_MAGIC) this.receiveSnapshot(socket, first.subarray(4));
      else this.receiveFrames(socket, first);
    });
  }

  /** Length-prefixed frames, each a batch of raft messages, for as long as the connection lasts. */
  private receiveFrames(socket: Socket, first: Buffer): void {
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) {
          socket.destroy();
          return;
        }
        if (buffered.length < 4 + length) break;
        const batch = this.decodeFrame(buffered.subarray(4, 4 + length));
        buffered = buffered.subarray(4 + length);
        if (!batch) {
          socket.destroy();
          return;
        }
        this.events.receive(batch);
      }
    };
    socket.on('data', onData);
    onData(first);
  }

  /** A frame's messages, or undefined for garbage or another cluster's member (a stale data dir, a wrong token). */
  private decodeFrame(frame: Buffer): Message[] | undefined {
    try {
      const batch = decodeRaftBatch(frame);
      return batch.clusterId === this.clusterId ? batch.messages : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * One snapshot on its own connection: a frame with the MsgSnap (without its data), the data's length
   * (u64), then the data. The message is delivered once all of it arrived.
   */
  private receiveSnapshot(socket: Socket, first: Buffer): void {
    let buffered: Buffer = first;
    let message: Message | undefined;
    let expected = -1;
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      if (message === undefined) {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        if (buffered.length < 4) return;
        const length = buffered.readUInt32BE(0);
        if (buffered.length < 4 + length + 8) return;
        const messages = this.decodeFrame(buffered.subarray(4, 4 + length));
        if (!messages || messages.length !== 1 || !messages[0]!.snapshot) {
          socket.destroy();
          return;
        }
        message = messages[0];
        expected = Number(buffered.readBigUInt64BE(4 + length));
        chunk = buffered.subarray(4 + length + 8);
      }
      chunks.push(chunk);
      received += chunk.length;
      if (received > expected) socket.destroy();
      else if (received === expected) {
        const snap = message!;
        this.events.receive([{ ...snap, snapshot: { metadata: snap.snapshot!.metadata, data: Buffer.concat(chunks, received) } }]);
        socket.end();
      }
    };
    socket.on('data', onData);
    onData(Buffer.alloc(0));
  }

  /**
   * Sends a snapshot on a connection of its own, in chunks that wait for the socket to drain, so the
   * peer's regular link (heartbeats, appends) never queues behind it. Reports how it ended.
   */
  sendSnapshot(m: Message): void {
    const link = this.links.get(m.to);
    const url = link?.url;
    if (!url || !m.snapshot) {
      this.events.snapshotSent(m.to, false);
      return;
    }
    const { host, port } = hostPort(url);
    const socket = connect({ host, port });
    let ok = false;
    socket.on('error', () => {});
    socket.once('close', () => this.events.snapshotSent(m.to, ok));
    socket.once('connect', () => {
      void (async () => {
        const data = m.snapshot!.data;
        const header = encodeRaftBatch(this.clusterId, [{ ...m, snapshot: { metadata: m.snapshot!.metadata, data: new Uint8Array(0) } }]);
        const prefix = Buffer.alloc(4 + 4 + header.length + 8);
        prefix.write(SNAPSHOT_MAGIC, 0, 'latin1');
        prefix.writeUInt32BE(header.length, 4);
        Buffer.from(header).copy(prefix, 8);
        prefix.writeBigUInt64BE(BigInt(data.length), 8 + header.length);
        socket.write(prefix);
        for (let at = 0; at < data.length; at += SNAPSHOT_CHUNK_BYTES) {
          if (!socket.write(data.subarray(at, at + SNAPSHOT_CHUNK_BYTES))) await new Promise((resolve) => socket.once('drain', resolve));
          if (socket.destroyed) return;
        }
        // The receiver closes once it has everything; that is the acknowledgement.
        socket.once('end', () => {
          ok = true;
          socket.end();
        });
      })();
    });
  }

  /** The one HTTP request peers answer: GET /members, as etcd's peer handler does. */
  private answerHttp(socket: Socket, request: string): void {
    const path = request.split(' ')[1];
    const body = path === '/members' ? this.events.membersJson() : 'not found';
    const status = path === '/members' ? '200 OK' : '404 Not Found';
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nX-Etcd-Cluster-ID: ${this.clusterId.toString(16)}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const socket of this.inbound) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
