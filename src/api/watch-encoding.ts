// Watch responses carrying events, encoded by hand from parts encoded once: a put that a thousand
// watchers see yields one encoding of its key-value and of the header, and each watcher's response is
// those bytes behind its own watch id. Encoding each response whole from message objects made a
// fan-out spend most of its time re-encoding the same key-value.

import protobuf from 'protobufjs';
import type { KeyValue, MvccEvent } from '../mvcc/index.js';
import { EventType } from '../mvcc/index.js';
import { keyValueToPb } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';

const KeyValueType = messageType('mvccpb.KeyValue');
const HeaderType = messageType('etcdserverpb.ResponseHeader');

// Wire tags: (field number << 3) | wire type (0 varint, 2 length-delimited).
const RESPONSE_HEADER = (1 << 3) | 2;
const RESPONSE_WATCH_ID = (2 << 3) | 0;
const RESPONSE_FRAGMENT = (7 << 3) | 0;
const RESPONSE_EVENTS = (11 << 3) | 2;
const EVENT_TYPE = (1 << 3) | 0;
const EVENT_KV = (2 << 3) | 2;
const EVENT_PREV_KV = (3 << 3) | 2;

/** Key-values are immutable once made, and the watch hub hands the same object to every watcher. */
const encodedKeyValues = new WeakMap<KeyValue, Uint8Array>();

function encodedKeyValue(kv: KeyValue): Uint8Array {
  let bytes = encodedKeyValues.get(kv);
  if (bytes === undefined) {
    bytes = KeyValueType.encode(keyValueToPb(kv)).finish();
    encodedKeyValues.set(kv, bytes);
  }
  return bytes;
}

/** The last header encoded: the watchers of one delivery share it (same member, revision and term). */
let lastHeader: { header: pb.ResponseHeaderInit; bytes: Uint8Array } | undefined;

function encodedHeader(header: pb.ResponseHeaderInit): Uint8Array {
  const last = lastHeader?.header;
  const same =
    last !== undefined &&
    last.member_id === header.member_id &&
    last.cluster_id === header.cluster_id &&
    last.revision === header.revision &&
    last.raft_term === header.raft_term;
  if (!same) lastHeader = { header, bytes: HeaderType.encode(header).finish() };
  return lastHeader!.bytes;
}

/** A WatchResponse { header, watch_id, fragment, events } as wire bytes. */
export function encodeEventsResponse(header: pb.ResponseHeaderInit, watchId: number, events: readonly MvccEvent[], fragment: boolean): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32(RESPONSE_HEADER).bytes(encodedHeader(header));
  if (watchId !== 0) writer.uint32(RESPONSE_WATCH_ID).int64(watchId);
  if (fragment) writer.uint32(RESPONSE_FRAGMENT).bool(true);
  for (const event of events) {
    writer.uint32(RESPONSE_EVENTS).fork();
    if (event.type !== EventType.Put) writer.uint32(EVENT_TYPE).int32(event.type);
    writer.uint32(EVENT_KV).bytes(encodedKeyValue(event.kv));
    if (event.prevKv) writer.uint32(EVENT_PREV_KV).bytes(encodedKeyValue(event.prevKv));
    writer.ldelim();
  }
  return writer.finish();
}
