// Reading a raft frame (bargepb.RaftBatch) straight into the core's Messages.

import { EMPTY_BYTES, type Entry, type EntryType, type Message, type MessageType } from '../raft/index.js';
import {
  BATCH_CLUSTER_ID,
  BATCH_MESSAGE,
  ENTRY_DATA,
  ENTRY_INDEX,
  ENTRY_TERM,
  ENTRY_TYPE,
  MESSAGE_COMMIT,
  MESSAGE_CONTEXT,
  MESSAGE_ENTRY,
  MESSAGE_FROM,
  MESSAGE_INDEX,
  MESSAGE_LOG_TERM,
  MESSAGE_REJECT,
  MESSAGE_REJECT_HINT,
  MESSAGE_SNAPSHOT,
  MESSAGE_SNAPSHOT_DATA,
  MESSAGE_TERM,
  MESSAGE_TO,
  MESSAGE_TYPE,
  MESSAGE_TYPE_BYTES,
  RaftMessage,
  messageFromPb,
} from './raft-codec.js';
import { FieldReader, sameBytes } from './field-reader.js';

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
    if (tag === BATCH_CLUSTER_ID) clusterId = r.id();
    else if (tag === BATCH_MESSAGE) messages.push(readMessage(r.nested(r.length())));
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
      case MESSAGE_TYPE:
        type = readType(r);
        break;
      case MESSAGE_TO:
        to = r.id();
        break;
      case MESSAGE_FROM:
        from = r.id();
        break;
      case MESSAGE_TERM:
        term = r.uint();
        break;
      case MESSAGE_LOG_TERM:
        logTerm = r.uint();
        break;
      case MESSAGE_INDEX:
        index = r.uint();
        break;
      case MESSAGE_ENTRY:
        entries.push(readEntry(r.nested(r.length())));
        break;
      case MESSAGE_COMMIT:
        commit = r.uint();
        break;
      case MESSAGE_REJECT:
        reject = r.uint() !== 0;
        break;
      case MESSAGE_REJECT_HINT:
        rejectHint = r.uint();
        break;
      case MESSAGE_CONTEXT:
        context = r.bytesField();
        break;
      case MESSAGE_SNAPSHOT:
      case MESSAGE_SNAPSHOT_DATA:
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
    if (tag === ENTRY_TERM) term = r.uint();
    else if (tag === ENTRY_INDEX) index = r.uint();
    // uint32, as protobufjs reads it.
    else if (tag === ENTRY_TYPE) type = r.uint() >>> 0;
    else if (tag === ENTRY_DATA) data = r.bytesField();
    else r.skip(tag);
  }
  return { term, index, type: type as EntryType, data };
}

/** The type field: a known type matched by its bytes, no string decoded per message. */
function readType(r: FieldReader): string {
  const bytes = r.bytesField();
  for (const [type, known] of MESSAGE_TYPE_BYTES) if (sameBytes(known, bytes)) return type;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}
