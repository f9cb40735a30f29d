// Raft messages between members over one long-lived TCP connection per peer pair: each side dials its
// peers, and everything queued for a peer since the last write goes out as one length-prefixed frame.
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

  send(m: Message): void {
    if (!this.socket) {
      if (m.type === MessageType.Snap) this.transport.events.snapshotSent(this.id, false);
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
    const snapshots = messages.filter((m) => m.type === MessageType.Snap);
    socket.write(body, (err) => {
      for (const snap of snapshots) this.transport.events.snapshotSent(snap.to, !err);
    });
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
      const link = this.links.get(m.to);
      if (link) link.send(m);
      else if (m.type === MessageType.Snap) this.events.snapshotSent(m.to, false);
    }
  }

  private accept(socket: Socket): void {
    this.inbound.add(socket);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        if (chunk.subarray(0, 4).toString('latin1') === 'GET ') {
          this.answerHttp(socket, chunk.toString('latin1'));
          return;
        }
      }
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) {
          socket.destroy();
          return;
        }
        if (buffered.length < 4 + length) break;
        const frame = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        let batch: ReturnType<typeof decodeRaftBatch>;
        try {
          batch = decodeRaftBatch(frame);
        } catch {
          socket.destroy();
          return;
        }
        // A member of another cluster (a stale data dir, a wrong token) is not listened to.
        if (batch.clusterId !== this.clusterId) {
          socket.destroy();
          return;
        }
        this.events.receive(batch.messages);
      }
    });
    socket.on('error', () => {});
    socket.once('close', () => this.inbound.delete(socket));
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
