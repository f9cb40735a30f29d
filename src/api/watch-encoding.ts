// Watch responses carrying events, put together from parts encoded once: a put that a thousand watchers
// see yields one encoding of its events (the watch hub hands every watcher with the same filters the same
// events array) and of the header, and each watcher's response is those bytes around its own watch id.
// Encoding each response whole from message objects made a fan-out spend most of its time re-encoding
// the same key-value.

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
const RESPONSE_EVENTS = (11 << 3) | 2;
const EVENT_TYPE = (1 << 3) | 0;
const EVENT_KV = (2 << 3) | 2;
const EVENT_PREV_KV = (3 << 3) | 2;
/** WatchResponse.fragment = true: field 7, varint 1. */
const FRAGMENT_FIELD = Buffer.from([(7 << 3) | 0, 1]);
const NONE = Buffer.alloc(0);

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

/** Events arrays are never changed once delivered; the hub shares one among watchers alike. */
const encodedEvents = new WeakMap<readonly MvccEvent[], Uint8Array>();

/** A delivery's events as WatchResponse fields (one `events` field each), encoded once per array. */
export function eventsFields(events: readonly MvccEvent[]): Uint8Array {
  let bytes = encodedEvents.get(events);
  if (bytes === undefined) {
    const writer = protobuf.Writer.create();
    for (const event of events) {
      writer.uint32(RESPONSE_EVENTS).fork();
      if (event.type !== EventType.Put) writer.uint32(EVENT_TYPE).int32(event.type);
      writer.uint32(EVENT_KV).bytes(encodedKeyValue(event.kv));
      if (event.prevKv) writer.uint32(EVENT_PREV_KV).bytes(encodedKeyValue(event.prevKv));
      writer.ldelim();
    }
    bytes = writer.finish();
    encodedEvents.set(events, bytes);
  }
  return bytes;
}

/** The last header encoded: the watchers of one delivery share it (same member, revision and term). */
let lastHeader: { header: pb.ResponseHeaderInit; field: Uint8Array } | undefined;

/** The header as a WatchResponse field. */
export function headerField(header: pb.ResponseHeaderInit): Uint8Array {
  const last = lastHeader?.header;
  const same =
    last !== undefined &&
    last.member_id === header.member_id &&
    last.cluster_id === header.cluster_id &&
    last.revision === header.revision &&
    last.raft_term === header.raft_term;
  if (!same) lastHeader = { header, field: protobuf.Writer.create().uint32(RESPONSE_HEADER).bytes(HeaderType.encode(header).finish()).finish() };
  return lastHeader!.field;
}

/** A watch id as a WatchResponse field (nothing for 0, proto3's default); made once per watcher. */
export function watchIdField(watchId: number): Uint8Array {
  return watchId === 0 ? NONE : protobuf.Writer.create().uint32(RESPONSE_WATCH_ID).int64(watchId).finish();
}

/**
 * An encoded response as the parts whose concatenation is its bytes: the stream writes them straight into
 * its output, so a fan-out allocates no buffer per watcher.
 */
export type ResponseParts = readonly Uint8Array[];

/** A WatchResponse { header, watch_id, fragment, events } from its encoded fields, in field order. */
export function eventsResponse(header: Uint8Array, watchId: Uint8Array, fragment: boolean, events: Uint8Array): ResponseParts {
  return fragment ? [header, watchId, FRAGMENT_FIELD, events] : [header, watchId, events];
}
