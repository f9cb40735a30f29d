// Raft messages between members over one long-lived TCP connection per peer pair: each side dials its
// peers (transport-link.ts) and reads length-prefixed frames of messages from the connections its peers
// dial. Snapshots travel on a connection of their own (transport-snapshot.ts), and a peer's HTTP requests
// (the member list, relayed lease calls) share the listening port, told apart by their first bytes.
// Over https:// peer URLs every connection (raft frames, snapshots, HTTP requests) is TLS; with
// --peer-client-cert-auth both ends present a certificate signed by --peer-trusted-ca-file.

import { createServer, type Server, type Socket } from 'node:net';
import type { Message, NodeId } from '../raft/index.js';
import { MessageType } from '../raft/index.js';
import { readPeerHttpRequest, textResponse, writePeerHttpResponse, type PeerHttpRequest, type PeerHttpResponse } from './peer-http.js';
import { decodeRaftBatch } from './raft-frame-reader.js';
import { checkedTlsServer, isHttps, type TlsSettings } from './tls.js';
import { errorText } from '../etcd-errors.js';
import { PeerLink, dialAddressFor, hostPort, type LinkOwner } from './transport-link.js';
import { SNAPSHOT_MAGIC, SnapshotReceiver, sendSnapshot } from './transport-snapshot.js';

export { getFromPeer } from './peer-http.js';
export { dialAddressFor, hostPort } from './transport-link.js';

/** Answers a peer's HTTP request other than GET /members (the leases and promotion a follower relays). */
export type PeerRequestHandler = (request: PeerHttpRequest) => Promise<PeerHttpResponse>;

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

export class PeerTransport implements LinkOwner {
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

  /** Snapshots go out on their own connections; the rest as one frame per peer, written now. */
  send(messages: readonly Message[]): void {
    const byLink = new Map<PeerLink, Message[]>();
    for (const m of messages) {
      if (m.type === MessageType.Snap) {
        this.sendSnapshot(m);
        continue;
      }
      const link = this.links.get(m.to);
      if (!link) continue;
      const batch = byLink.get(link);
      if (batch) batch.push(m);
      else byLink.set(link, [m]);
    }
    for (const [link, batch] of byLink) link.send(batch);
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
      else if (magic === SNAPSHOT_MAGIC) this.snapshots.receive(socket, first.subarray(4), (frame) => this.decodeFrame(frame), (m) => this.events.receive([m]));
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

  private readonly snapshots = new SnapshotReceiver();

  unreachable(peer: NodeId): void {
    this.events.unreachable(peer);
  }

  /** Sends a snapshot on a connection of its own (see transport-snapshot.ts); reports how it ended. */
  sendSnapshot(m: Message): void {
    const url = this.links.get(m.to)?.url;
    if (!url || !m.snapshot) {
      this.events.snapshotSent(m.to, false);
      return;
    }
    sendSnapshot(m, url, this, (ok) => this.events.snapshotSent(m.to, ok));
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
