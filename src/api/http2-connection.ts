// How an HTTP/2 client connection reaches the gRPC server: straight, as the socket itself, when its
// requests carry a proper :authority (every client but Go's dialing "passthrough:///http://..."), or
// through an Http2AuthorityRewriter otherwise (see http2-authority.ts).
//
// Which of the two is only known from the first request's headers, and a Go client sends none until
// the server has spoken (its connection preface, a SETTINGS frame). So the front end speaks first: it
// sends an empty SETTINGS frame itself, then holds the client's bytes until the first header block.
// Proper :authority: the held bytes are put back in the socket, less the client's ACK of that SETTINGS
// frame (the server never sent it), and the socket goes to the server, which reads it natively from
// then on, at no cost, and still sees the TLS socket for the client's identity. Otherwise the server
// gets a stream the rewriter feeds. Until then the front end answers the client's PINGs itself (a
// client may ping an idle connection). The rewriting stream is also the way out whenever holding on
// would keep a client waiting: an ACK slow to come, or a frame before any request that only the server
// can deal with.
//
// A TLS connection that goes through the rewriting stream reaches gRPC without its TLS socket, so its
// calls carry no client certificate (grpc-js reads it off the socket it is given): under CN-based
// authentication its requests have no user. Go's client sends a proper :authority over TLS, so this
// takes a client that misbehaves (no ACK within a second, a GOAWAY or DATA before any request).

import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { EMPTY_SETTINGS_FRAME, Http2AuthorityRewriter, pingAck } from './http2-authority.js';

/** How long a connection whose first request is fine may wait for the client's SETTINGS ACK. */
const ACK_WAIT_MS = 1000;
/** Held bytes past this (frames before any request) go on through the rewriting stream instead. */
const MAX_HELD_BYTES = 1 << 20;

/** Hands a connection to the gRPC server; `secure` when it came over TLS (etcd polices pings on plain ones only). */
export type InjectConnection = (connection: Duplex, secure: boolean) => void;

export class Http2Front {
  /** Connections not yet handed to the server. */
  private readonly pending = new Set<Socket>();

  constructor(private readonly inject: InjectConnection) {}

  /**
   * Takes an HTTP/2 connection (plain or TLS) whose bytes so far are `first` (read to tell HTTP/2 from
   * HTTP/1.1) or none. The socket must have an 'error' listener.
   */
  accept(socket: Socket, first?: Buffer): void {
    const secure = socket instanceof TLSSocket;
    const rewriter = new Http2AuthorityRewriter({ dropSettingsAck: true });
    rewriter.holdPings = true;
    const held: Buffer[] = [];
    let heldBytes = 0;
    let timer: NodeJS.Timeout | undefined;
    const release = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      clearTimeout(timer);
      this.pending.delete(socket);
    };
    const toRewriter = (): void => {
      release();
      rewriter.holdPings = false;
      this.inject(rewritingStream(socket, rewriter, held), secure);
    };
    const onClose = (): void => release();
    const onData = (chunk: Buffer): void => {
      let out: Buffer[];
      try {
        out = rewriter.push(chunk);
      } catch {
        release();
        socket.destroy();
        return;
      }
      for (const payload of rewriter.pings.splice(0)) socket.write(pingAck(payload));
      for (const piece of out) {
        held.push(piece);
        heldBytes += piece.length;
      }
      if (rewriter.passthrough) {
        release();
        socket.pause();
        socket.unshift(held.length === 1 ? held[0]! : Buffer.concat(held));
        this.inject(socket, secure);
      } else if (rewriter.mode === 'rewrite' || rewriter.needsServer || heldBytes > MAX_HELD_BYTES) {
        toRewriter();
      } else if (rewriter.mode === 'verbatim' && timer === undefined) {
        // A proper request, but no ACK yet: answer it through the rewriting stream if the ACK dawdles.
        timer = setTimeout(toRewriter, ACK_WAIT_MS);
      }
    };
    this.pending.add(socket);
    socket.on('close', onClose);
    socket.write(EMPTY_SETTINGS_FRAME);
    if (first !== undefined) onData(first);
    if (this.pending.has(socket)) {
      socket.on('data', onData);
      socket.resume();
    }
  }

  /** Closes the connections still waiting for their first request. */
  close(): void {
    for (const socket of this.pending) socket.destroy();
    this.pending.clear();
  }
}

/**
 * The server's side of a connection the rewriter stands in: reads give the rewriter's output (first
 * `held`, what it gave before), writes go to the socket unchanged. A malformed stream from the client
 * closes the connection.
 */
function rewritingStream(socket: Socket, rewriter: Http2AuthorityRewriter, held: readonly Buffer[]): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    writev: (chunks, callback) => {
      socket.cork();
      for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]!.chunk, i === chunks.length - 1 ? callback : undefined);
      socket.uncork();
    },
    final: (callback) => void socket.end(callback),
    destroy: (err, callback) => {
      socket.destroy();
      callback(err);
    },
  });
  // Node's HTTP/2 turns Nagle off on a socket it is handed, not on a stream standing in for one.
  socket.setNoDelay(true);
  for (const piece of held) stream.push(piece);
  socket.on('data', (chunk: Buffer) => {
    let out: Buffer[];
    try {
      out = rewriter.push(chunk);
    } catch {
      stream.destroy();
      return;
    }
    let more = true;
    for (const piece of out) more = stream.push(piece) && more;
    if (!more) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}
