// Servers that answer etcd's KV Put at once with a bare header, each showing the cost of one layer under
// a member's client API (bench/http2-floor/run.ts measures them; go-null/ is grpc-go's):
//   node-http2  Node's HTTP/2 server (its core stream API) answering as lean-unary.ts does: the same
//               headers, one DATA frame, the same trailers; the request read but not decoded.
//   lean        the client port's front end (http2-split-connection.ts) and its unary path
//               (lean-unary.ts) with the real request decoder and response encoder, and a handler that
//               returns at once: a member's cost per call minus the store.
//   frames      HTTP/2 frames read and written by hand over a TCP socket, answers pre-encoded: what the
//               framing itself costs in JavaScript. Not an HTTP/2 server: it decodes no header block
//               (every request is taken for a Put) and keeps no flow-control window but the
//               connection's, which is enough for the Go client's small unary calls and nothing else.
// Run as `tsx null-servers.ts KIND`: listens on a free loopback port and prints "listening PORT".

import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  ACK,
  EMPTY_SETTINGS_FRAME,
  encodeLiterals,
  END_HEADERS,
  END_STREAM,
  FRAME_HEADER_LENGTH,
  frameHeader,
  FrameType,
  pingAck,
} from '../../src/api/http2-frames.js';
import { SplitConnection } from '../../src/api/http2-split-connection.js';
import { kvResponseSerializers } from '../../src/api/kv-response-encoding.js';
import { leanRouter } from '../../src/api/lean-grpc.js';
import { unaryStarts, type LeanMethod } from '../../src/api/lean-unary.js';
import type { Unary } from '../../src/api/unary-call.js';
import { serviceDefinition } from '../../src/wire/proto.js';

const HEADER = { cluster_id: 1, member_id: 1, revision: 1, raft_term: 1 };
/** The encoded PutResponse, framed as a gRPC message (a zero flag byte and a 4-byte length). */
const PUT_RESPONSE_BODY = kvResponseSerializers.Put({ header: HEADER } as never);
/** As grpc-js creates a member's HTTP/2 servers: no cap on the memory a session holds. */
const HTTP2_OPTIONS = { maxSessionMemory: Number.MAX_SAFE_INTEGER };
const PUT_RESPONSE = Buffer.concat([Buffer.from([0, 0, 0, 0, PUT_RESPONSE_BODY.length]), PUT_RESPONSE_BODY]);

function nodeHttp2(ready: (server: Server) => void): void {
  const server = createHttp2Server(HTTP2_OPTIONS);
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.on('data', () => {});
    stream.on('end', () => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': 'identity,deflate,gzip', 'grpc-encoding': 'identity' },
        { waitForTrailers: true },
      );
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': 0, 'grpc-message': 'OK' }));
      stream.end(PUT_RESPONSE);
    });
  });
  server.listen(0, '127.0.0.1', () => ready(server));
}

function lean(ready: (server: Server) => void): void {
  const http2 = createHttp2Server(HTTP2_OPTIONS);
  // Range too: the generator's warm-up reads (a call left to Node's server here would get no answer).
  const served = ['Put', 'Range'];
  const definitions = serviceDefinition('etcdserverpb.KV');
  const methods = new Map<string, LeanMethod>(
    served.map((method) => [definitions[method]!.path, { name: `etcdserverpb.KV/${method}`, decode: definitions[method]!.requestDeserialize, encode: kvResponseSerializers[method as 'Put'] as LeanMethod['encode'] }]),
  );
  const answer: Unary = () => Promise.resolve({ header: HEADER });
  const route = leanRouter(unaryStarts(methods, new Map(served.map((method) => [`etcdserverpb.KV/${method}`, answer])), 2 * 1024 * 1024));
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    new SplitConnection(socket, { route, inject: (connection) => http2.emit('connection', connection) });
  });
  server.listen(0, '127.0.0.1', () => ready(server));
}

const PREFACE_BYTES = 24;
// :status and content-type as literals, pre-encoded once: every reply sends the same blocks.
const RESPONSE_HEADERS = encodeLiterals([
  { name: ':status', value: '200' },
  { name: 'content-type', value: 'application/grpc+proto' },
]);
const TRAILERS = encodeLiterals([
  { name: 'grpc-status', value: '0' },
  { name: 'grpc-message', value: 'OK' },
]);

/** HEADERS, DATA and trailing HEADERS for one stream, in one buffer. */
function reply(streamId: number): Buffer {
  return Buffer.concat([
    frameHeader(RESPONSE_HEADERS.length, FrameType.Headers, END_HEADERS, streamId),
    RESPONSE_HEADERS,
    frameHeader(PUT_RESPONSE.length, FrameType.Data, 0, streamId),
    PUT_RESPONSE,
    frameHeader(TRAILERS.length, FrameType.Headers, END_HEADERS | END_STREAM, streamId),
    TRAILERS,
  ]);
}

function serveFrames(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  let prefaceRead = false;
  let unacknowledged = 0;
  socket.write(EMPTY_SETTINGS_FRAME);
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    if (!prefaceRead) {
      if (pending.length < PREFACE_BYTES) return;
      at = PREFACE_BYTES;
      prefaceRead = true;
    }
    const out: Buffer[] = [];
    while (pending.length - at >= FRAME_HEADER_LENGTH) {
      const length = pending.readUIntBE(at, 3);
      if (pending.length - at < FRAME_HEADER_LENGTH + length) break;
      const type = pending[at + 3]!;
      const flags = pending[at + 4]!;
      const streamId = pending.readUInt32BE(at + 5) & 0x7fffffff;
      if (type === FrameType.Settings && (flags & ACK) === 0) out.push(frameHeader(0, FrameType.Settings, ACK, 0));
      else if (type === FrameType.Ping && (flags & ACK) === 0) out.push(pingAck(pending.subarray(at + FRAME_HEADER_LENGTH, at + FRAME_HEADER_LENGTH + length)));
      else if (type === FrameType.Data) {
        unacknowledged += length;
        if ((flags & END_STREAM) !== 0) out.push(reply(streamId));
      } else if (type === FrameType.Headers && (flags & END_STREAM) !== 0) out.push(reply(streamId));
      at += FRAME_HEADER_LENGTH + length;
    }
    // The client may send no more than the connection's window: give back what it used.
    if (unacknowledged > 16 * 1024) {
      const increment = Buffer.allocUnsafe(4);
      increment.writeUInt32BE(unacknowledged);
      out.push(frameHeader(4, FrameType.WindowUpdate, 0, 0), increment);
      unacknowledged = 0;
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
    if (out.length > 0) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  });
}

function frames(ready: (server: Server) => void): void {
  const server = createNetServer(serveFrames);
  server.listen(0, '127.0.0.1', () => ready(server));
}

const SERVERS: Record<string, (ready: (server: Server) => void) => void> = { 'node-http2': nodeHttp2, lean, frames };
const start = SERVERS[process.argv[2] ?? ''];
if (start === undefined) {
  console.error(`usage: null-servers.ts ${Object.keys(SERVERS).join('|')}`);
  process.exit(2);
}
start((server) => console.log(`listening ${(server.address() as AddressInfo).port}`));
