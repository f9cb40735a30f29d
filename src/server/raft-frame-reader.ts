// Reading a raft frame (bargepb.RaftBatch) straight into the core's Messages.

import { EMPTY_BYTES, type Entry, type EntryType, type Message, type MessageType } from '../raft/index.js';
import { MESSAGE_TYPE_BYTES, messageFromPb, RaftMessage, Tag } from './raft-codec.js';
import { FieldReader } from './field-reader.js';

/**
 * A frame's messages, read field by field: protobufjs built an object per message and entry and a Long per
 * number, then each was converted again, on every member for every message. Unknown fields are skipped as
 * protobufjs skips them; the rare message with a snapshot goes through protobufjs whole. Throws on bytes
 * that are not a frame (the connection is then dropped).
 */
export function decodeRaftBatch(bytes: Uint8Array): { clusterId: bigint; messages: Message[] } {
  const r = new FieldReader(bytes, 0, bytes.length);
  let clusterId = 0n;
  const messages: Message[] = [];
  while (r.more()) {
    const tag = r.uint();
    if (tag === Tag.BATCH_CLUSTER_ID) clusterId = r.id();
    else if (tag === Tag.BATCH_MESSAGE) messages.push(readMessage(r.nested(r.length())));
    else r.skip(tag);
  }
  return { clusterId, messages };
}

function readMessage(r: FieldReader): Message {
  const start = r.pos;
  let type = '';
  let to = 0n;
  let from = 0n;
  let term = 0;
  let logTerm = 0;
  let index = 0;
  const entries: Entry[] = [];
  let commit = 0;
  let reject = false;
  let rejectHint = 0;
  let context = EMPTY_BYTES;
  while (r.more()) {
    const tag = r.uint();
    switch (tag) {
      case Tag.MESSAGE_TYPE:
        type = readType(r);
        break;
      case Tag.MESSAGE_TO:
        to = r.id();
        break;
      case Tag.MESSAGE_FROM:
        from = r.id();
        break;
      case Tag.MESSAGE_TERM:
        term = r.uint();
        break;
      case Tag.MESSAGE_LOG_TERM:
        logTerm = r.uint();
        break;
      case Tag.MESSAGE_INDEX:
        index = r.uint();
        break;
      case Tag.MESSAGE_ENTRY:
        entries.push(readEntry(r.nested(r.length())));
        break;
      case Tag.MESSAGE_COMMIT:
        commit = r.uint();
        break;
      case Tag.MESSAGE_REJECT:
        reject = r.uint() !== 0;
        break;
      case Tag.MESSAGE_REJECT_HINT:
        rejectHint = r.uint();
        break;
      case Tag.MESSAGE_CONTEXT:
        context = r.bytesField();
        break;
      case Tag.MESSAGE_SNAPSHOT:
      case Tag.MESSAGE_SNAPSHOT_DATA:
        return messageFromPb(RaftMessage.decode(r.bytes.subarray(start, r.end)));
      default:
        r.skip(tag);
    }
  }
  return { type: type as MessageType, to, from, term, logTerm, index, entries, commit, reject, rejectHint, context };
}

function readEntry(r: FieldReader): Entry {
  let term = 0;
  let index = 0;
  let type = 0;
  let data = EMPTY_BYTES;
  while (r.more()) {
    const tag = r.uint();
    if (tag === Tag.ENTRY_TERM) term = r.uint();
    else if (tag === Tag.ENTRY_INDEX) index = r.uint();
    // uint32, as protobufjs reads it.
    else if (tag === Tag.ENTRY_TYPE) type = r.uint() >>> 0;
    else if (tag === Tag.ENTRY_DATA) data = r.bytesField();
    else r.skip(tag);
  }
  return { term, index, type: type as EntryType, data };
}

const KNOWN_TYPES = [...MESSAGE_TYPE_BYTES.keys()];
const KNOWN_TYPE_BYTES = [...MESSAGE_TYPE_BYTES.values()];

/** The type field: a known type matched by its bytes, no string decoded per message. */
function readType(r: FieldReader): string {
  const start = r.pos;
  const known = r.knownBytes(KNOWN_TYPE_BYTES);
  if (known >= 0) return KNOWN_TYPES[known]!;
  r.pos = start;
  return r.text();
}
