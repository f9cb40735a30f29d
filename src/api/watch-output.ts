// Where a watch stream's encoded responses go. Over gRPC, everything a stream has to send in one turn of
// the event loop leaves in one write to its HTTP/2 stream: each response framed as gRPC frames it (a zero
// byte, then the length, big-endian), one after the other, which is what a DATA frame may carry. grpc-js
// has no call for that: its write() takes one message, and a put seen by a hundred watchers of a stream
// then cost a hundred trips through two stream layers, and its object-mode buffer of 16 messages held
// most of those watchers back on every put to catch up later. Any other transport (the JSON gateway, or a
// grpc-js whose call does not expose its HTTP/2 stream) gets the responses one write() each.

import * as grpc from '@grpc/grpc-js';
import type { ServerHttp2Stream } from 'node:http2';
import type { ResponseParts } from './watch-encoding.js';

/** An encoded WatchResponse: its bytes, or parts whose concatenation is its bytes. */
export type EncodedResponse = Uint8Array | ResponseParts;

/**
 * Bytes a stream may hold unsent before its watchers wait for it to drain and then catch up from history,
 * each with one response for all the revisions it missed. About what an etcd stream holds before its
 * watchers fall behind the same way (64 KiB of gRPC write quota, then 128 responses queued): with a
 * megabyte, a client slower than the puts got one response per watcher per put, four times the responses
 * etcd sends it for the same events, each one decoded apart (bench/RESULTS.md, "Watch responses").
 */
export const STREAM_BUFFER_LIMIT_BYTES = 128 * 1024;

export interface WatchOutput {
  /** Sends encoded WatchResponses, in order; false once the transport holds enough (wait for drain). */
  send(responses: readonly EncodedResponse[]): boolean;
  /** Called once, after a send() that returned false, when the transport has room again. */
  onceDrain(listener: () => void): void;
}

/** What per-message output needs of a call: write() answering whether there is room, and 'drain'. */
export interface MessageWriter {
  write(response: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** One write() per response. */
export function messageOutput(call: MessageWriter): WatchOutput {
  return {
    send(responses) {
      let room = true;
      for (const response of responses) room = call.write(response instanceof Uint8Array ? response : Buffer.concat(response));
      return room;
    },
    onceDrain: (listener) => void call.once('drain', listener),
  };
}

/** A grpc-js server call's output: one framed write per send() when its HTTP/2 stream is reachable. */
export function grpcOutput(call: grpc.ServerDuplexStream<unknown, Uint8Array>): WatchOutput {
  const stream = http2StreamOf(call);
  if (!stream) return messageOutput(call);
  let headersSent = false;
  return {
    send(responses) {
      // A stream gone (the client left) is left to the call's own end; nothing waits on it.
      if (stream.destroyed || stream.closed || stream.writableEnded) return true;
      if (!headersSent) {
        // grpc-js sends the response headers with its first message; here they go before the first frames.
        call.sendMetadata(new grpc.Metadata());
        headersSent = true;
      }
      stream.write(framed(responses));
      return stream.writableLength < STREAM_BUFFER_LIMIT_BYTES;
    },
    onceDrain: (listener) => void stream.once('drain', listener),
  };
}

/** gRPC's length-prefixed messages, concatenated: one buffer, each response's parts copied once. */
export function framed(responses: readonly EncodedResponse[]): Buffer {
  let total = 0;
  for (const response of responses) total += 5 + byteLength(response);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const response of responses) {
    out[at] = 0;
    out.writeUInt32BE(byteLength(response), at + 1);
    at += 5;
    if (response instanceof Uint8Array) {
      out.set(response, at);
      at += response.length;
    } else {
      for (const part of response) {
        out.set(part, at);
        at += part.length;
      }
    }
  }
  return out;
}

function byteLength(response: EncodedResponse): number {
  if (response instanceof Uint8Array) return response.length;
  let length = 0;
  for (const part of response) length += part.length;
  return length;
}

/**
 * The HTTP/2 stream under a grpc-js server call: its `call` (grpc-js's BaseServerInterceptingCall, when no
 * interceptor wraps it) holds it as `stream`. Checked by shape, so another grpc-js gets the plain path.
 */
export function http2StreamOf(call: object): ServerHttp2Stream | undefined {
  const stream = (call as { call?: { stream?: Partial<ServerHttp2Stream> } }).call?.stream;
  const looksRight = stream !== undefined && typeof stream.write === 'function' && typeof stream.respond === 'function' && typeof stream.once === 'function' && stream.session !== undefined;
  return looksRight ? (stream as ServerHttp2Stream) : undefined;
}
