// One member's long-lived connection to one peer (etcd's rafthttp stream): a Ready's messages for the peer
// go out at once as one length-prefixed frame of raft messages. Messages for a peer that is not connected
// are dropped (raft retransmits) and the peer is reported unreachable, so the leader stops pipelining to
// it; a broken connection is redialled with backoff.

import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Message, NodeId } from '../raft/index.js';
import { encodeRaftFrame } from './raft-frame-writer.js';
import { dialTlsOptions, isHttps, type TlsSettings } from './tls.js';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
/** How long a closed link's last bytes have to leave before its socket is destroyed. */
const CLOSE_LINGER_MS = 1000;

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
 * peer certificate presented). `onReady` runs once the connection can carry data.
 */
export function dialPeer(url: string, localAddress: string | undefined, tls: TlsSettings | undefined, onReady: () => void): Socket {
  const { host, port } = hostPort(url);
  const tcp = connect({ host: host.replace(/^\[|\]$/g, ''), port, localAddress });
  tcp.setNoDelay(true);
  const secure = isHttps(url) ? tlsConnect({ socket: tcp, ...dialTlsOptions(tls, host) }) : undefined;
  tcp.prependOnceListener('connect', () => {
    // Dialling a loopback port nobody listens on yet can, rarely, connect the socket to itself: the kernel
    // picked that very port as the local one (TCP simultaneous open). Go's dialer, and so etcd's, drops
    // such a connection and dials again; a link that kept it would write to itself for ever while the
    // peer, listening on that port a moment later, never heard from this member.
    if (tcp.localPort === tcp.remotePort && tcp.localAddress === tcp.remoteAddress) (secure ?? tcp).destroy();
    else if (!secure) onReady();
  });
  secure?.once('secureConnect', onReady);
  return secure ?? tcp;
}

/** What a link needs of the transport it belongs to. */
export interface LinkOwner {
  readonly clusterId: bigint;
  readonly localAddress: string | undefined;
  readonly tls?: TlsSettings;
  unreachable(peer: NodeId): void;
}

export class PeerLink {
  private socket: Socket | undefined;
  private connecting = false;
  private backoff = MIN_BACKOFF_MS;
  private closed = false;

  constructor(
    readonly id: NodeId,
    private urls: readonly string[],
    private readonly owner: LinkOwner,
  ) {
    this.dial();
  }

  setUrls(urls: readonly string[]): void {
    this.urls = urls;
  }

  get url(): string | undefined {
    return this.urls[0];
  }

  /**
   * Writes `messages` now, as one frame: a Ready's messages leave before the member's own log write starts,
   * so followers persist in parallel with the leader (raft's contract allows it).
   */
  send(messages: readonly Message[]): void {
    const socket = this.socket;
    if (!socket) {
      this.owner.unreachable(this.id);
      return;
    }
    // One write per frame, its length inside: each write to a loopback socket costs the sender the
    // receiver's share of the TCP stack too, and was a fifth of a member's busy time.
    socket.write(encodeRaftFrame(this.owner.clusterId, messages));
  }

  private dial(): void {
    if (this.closed || this.connecting || this.urls.length === 0) return;
    this.connecting = true;
    const socket = dialPeer(this.urls[0]!, this.owner.localAddress, this.owner.tls, () => {
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
   * Closes once what was written has left. A removed peer's link closes in the same turn as raft sent it
   * the commit of its removal, and that message is how the removed member learns it must stop.
   */
  close(): void {
    this.closed = true;
    const socket = this.socket;
    if (!socket) return;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
  }
}
