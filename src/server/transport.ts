// Raft messages between members over one long-lived TCP connection per peer pair: each side dials its
// peers, and everything queued for a peer since the last write goes out as one length-prefixed frame.
// Snapshots travel on a connection of their own, in chunks, so heartbeats never wait behind them.
// Messages for a peer that is not connected are dropped (raft retransmits), and the peer is reported
// unreachable so the leader stops pipelining to it; a broken connection is redialled with backoff.
// Over https:// peer URLs every connection (raft frames, snapshots, HTTP requests) is TLS; with
// --peer-client-cert-auth both ends present a certificate signed by --peer-trusted-ca-file.

import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Message, NodeId } from '../raft/index.js';
import { MessageType } from '../raft/index.js';
import { readPeerHttpRequest, textResponse, writePeerHttpResponse, type PeerHttpRequest, type PeerHttpResponse } from './peer-http.js';
import { decodeRaftBatch, encodeRaftBatch } from './raft-codec.js';
import { checkedTlsServer, dialTlsOptions, isHttps, type TlsSettings } from './tls.js';
import { errorText } from '../etcd-errors.js';

export { getFromPeer } from './peer-http.js';

/** Answers a peer's HTTP request other than GET /members (the leases and promotion a follower relays). */
export type PeerRequestHandler = (request: PeerHttpRequest) => Promise<PeerHttpResponse>;

const MIN_BACKOFF_MS = 50;
/** How long a closed link's last bytes have to leave before its socket is destroyed. */
const CLOSE_LINGER_MS = 1000;
const MAX_BACKOFF_MS = 1000;
/** A frame larger than this is refused: it cannot come from a well-behaved member. */
const MAX_FRAME_BYTES = 512 * 1024 * 1024;
/** Opens a connection that carries one snapshot. */
const SNAPSHOT_MAGIC = 'SNAP';
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

/** The address to dial peers from when listening on `url`: its host when that is one specific IP. */
export function dialAddressFor(url: string): string | undefined {
  const host = hostPort(url).host.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && host !== '0.0.0.0' && host !== '::' ? host : undefined;
}

/**
 * Opens a connection to a peer URL from `localAddress`: TCP, and TLS on top for https:// (this member's
 * peer certificate presented). `ready` names the event after which the connection can carry data.
 */
function dialPeer(url: string, localAddress: string | undefined, tls: TlsSettings | undefined): { socket: Socket; ready: 'connect' | 'secureConnect' } {
  const { host, port } = hostPort(url);
  const tcp = connect({ host: host.replace(/^\[|\]$/g, ''), port, localAddress });
  tcp.setNoDelay(true);
  if (!isHttps(url)) return { socket: tcp, ready: 'connect' };
  return { socket: tlsConnect({ socket: tcp, ...dialTlsOptions(tls, host) }), ready: 'secureConnect' };
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
    const { socket, ready } = dialPeer(this.urls[0]!, this.transport.localAddress, this.transport.tls);
    socket.setNoDelay(true);
    socket.once(ready, () => {
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

  /**
   * Sends what is queued, then closes. A removed peer's link closes in the same turn as raft queued the
   * commit of its removal for it, and that message is how the removed member learns it must stop.
   */
  close(): void {
    this.closed = true;
    this.flush();
    const socket = this.socket;
    if (!socket) return;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  }
}

export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private server: Server | undefined;
  private readonly inbound = new Set<Socket>();

  constructor(
    readonly clusterId: bigint,
    readonly events: TransportEvents,
    /** This member's peer TLS settings; used when listening on, or dialling, an https:// peer URL. */
    readonly tls?: TlsSettings,
  ) {}

  /**
   * Peers are dialled from the address this member listens on for peers (when that is a specific IP), so a
   * peer sees where a connection comes from: loopback test networks use one 127.x address per member.
   */
  localAddress: string | undefined;

  async listen(url: string): Promise<void> {
    const { host, port } = hostPort(url);
    this.localAddress = dialAddressFor(url);
    if (isHttps(url)) {
      if (!this.tls) throw new Error(`peer URL ${url} is https but no peer certificate is configured`);
      // A handshake that fails (no certificate, or one from another CA, with --peer-client-cert-auth)
      // just ends that connection.
      this.server = checkedTlsServer(this.tls, {}, (socket) => this.accept(socket));
      this.server.on('tlsClientError', () => {});
    } else {
      this.server = createServer((socket) => this.accept(socket));
    }
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
      if (magic === 'GET ' || magic === 'POST') this.answerHttp(socket, first).catch(() => socket.destroy());
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
   * One snapshot on its own connection: a frame with the MsgSnap (without its data) and the data's length
   * (u64); this side answers with how many bytes of that same snapshot it already holds from a broken
   * earlier attempt (u64), and the sender goes on from there. The message is delivered once all arrived.
   */
  private receiveSnapshot(socket: Socket, first: Buffer): void {
    let buffered: Buffer = first;
    let partial: PartialSnapshot | undefined;
    const onData = (chunk: Buffer): void => {
      if (partial === undefined) {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        if (buffered.length < 4) return;
        const length = buffered.readUInt32BE(0);
        if (buffered.length < 4 + length + 8) return;
        const messages = this.decodeFrame(buffered.subarray(4, 4 + length));
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
        this.events.receive([{ ...snap, snapshot: { metadata: snap.snapshot!.metadata, data: Buffer.concat(partial.chunks, partial.total) } }]);
        socket.end(Uint8Array.of(SNAPSHOT_RECEIVED));
      }
    };
    socket.on('data', onData);
    onData(Buffer.alloc(0));
    this.dropStalePartials();
  }

  /** Pieces of snapshots whose connection broke, kept a while for the sender to resume. */
  private readonly partialSnapshots = new Map<string, PartialSnapshot>();

  private dropStalePartials(): void {
    const cutoff = Date.now() - PARTIAL_SNAPSHOT_TTL_MS;
    for (const [key, partial] of this.partialSnapshots) if (partial.touched !== 0 && partial.touched < cutoff) this.partialSnapshots.delete(key);
  }

  /**
   * Sends a snapshot on a connection of its own, in chunks that wait for the socket to drain, so the
   * peer's regular link (heartbeats, appends) never queues behind it; a retry of the same snapshot
   * resumes where the receiver's copy stopped. Reports how it ended.
   */
  sendSnapshot(m: Message): void {
    const url = this.links.get(m.to)?.url;
    if (!url || !m.snapshot) {
      this.events.snapshotSent(m.to, false);
      return;
    }
    const { socket, ready } = dialPeer(url, this.localAddress, this.tls);
    let ok = false;
    socket.on('error', () => {});
    socket.once('close', () => this.events.snapshotSent(m.to, ok));
    socket.once(ready, () => {
      const data = m.snapshot!.data;
      const header = encodeRaftBatch(this.clusterId, [{ ...m, snapshot: { metadata: m.snapshot!.metadata, data: new Uint8Array(0) } }]);
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
          this.streamSnapshotData(socket, data, Number(reply.readBigUInt64BE(0))).catch(() => socket.destroy());
        }
        if (reply.length > 8 && reply[8] === SNAPSHOT_RECEIVED) {
          ok = true;
          socket.end();
        }
      });
    });
  }

  private async streamSnapshotData(socket: Socket, data: Uint8Array, offset: number): Promise<void> {
    for (let at = offset; at < data.length; at += SNAPSHOT_CHUNK_BYTES) {
      if (socket.destroyed) return;
      if (!socket.write(data.subarray(at, at + SNAPSHOT_CHUNK_BYTES))) await new Promise((resolve) => socket.once('drain', resolve));
    }
  }

  private requestHandler: PeerRequestHandler | undefined;

  /** Serves peers' HTTP requests beyond GET /members (until then they are answered 404). */
  serveRequests(handler: PeerRequestHandler): void {
    this.requestHandler = handler;
  }

  /** GET /members here; any other request goes to the handler set by serveRequests. */
  private async answerHttp(socket: Socket, first: Buffer): Promise<void> {
    const request = await readPeerHttpRequest(socket, first);
    if (!request) {
      socket.destroy();
      return;
    }
    let response: PeerHttpResponse;
    if (request.method === 'GET' && request.path === '/members') response = { status: 200, contentType: 'application/json', body: this.events.membersJson() };
    else if (this.requestHandler) response = await this.requestHandler(request).catch((err: unknown) => textResponse(500, errorText(err)));
    else response = textResponse(404, '404 page not found');
    writePeerHttpResponse(socket, response, this.clusterId);
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const socket of this.inbound) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
