// Raft messages on the wire between members, as bargepb.RaftBatch frames: the message as protobufjs
// shapes it (for the rare message with a snapshot, and as the reference the tests hold the frame reader
// and writer to), and the wire tags both use.

import { MessageType, type Entry, type EntryType, type Message } from '../raft/index.js';
import { toNumber, toUint64, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';

export const RaftMessage = messageType('bargepb.RaftMessage');

function entryToPb(e: Entry): pb.EntryInit {
  return { term: e.term, index: e.index, type: e.type, data: e.data };
}

function entryFromPb(e: pb.Entry): Entry {
  return { term: toNumber(e.term), index: toNumber(e.index), type: e.type as EntryType, data: e.data };
}

/** The message as a protobufjs object (exported for tests, which check the hand encoding against it). */
export function messageToPb(m: Message): pb.RaftMessageInit {
  return {
    type: m.type,
    to: uint64(m.to),
    from: uint64(m.from),
    term: m.term,
    log_term: m.logTerm,
    index: m.index,
    entries: m.entries.map(entryToPb),
    commit: m.commit,
    reject: m.reject,
    reject_hint: m.rejectHint,
    context: m.context,
    snapshot: m.snapshot
      ? {
          conf_state: {
            voters: m.snapshot.metadata.confState.voters.map(uint64),
            learners: m.snapshot.metadata.confState.learners.map(uint64),
          },
          index: m.snapshot.metadata.index,
          term: m.snapshot.metadata.term,
        }
      : undefined,
    snapshot_data: m.snapshot?.data,
  };
}

/** The message a protobufjs-decoded RaftMessage stands for (exported for tests, as the reference decoding). */
export function messageFromPb(p: pb.RaftMessage): Message {
  const snapshot = p.snapshot
    ? {
        metadata: {
          confState: {
            voters: (p.snapshot.conf_state?.voters ?? []).map((id) => toUint64(id)),
            learners: (p.snapshot.conf_state?.learners ?? []).map((id) => toUint64(id)),
          },
          index: toNumber(p.snapshot.index),
          term: toNumber(p.snapshot.term),
        },
        data: p.snapshot_data,
      }
    : undefined;
  return {
    type: p.type as MessageType,
    to: toUint64(p.to),
    from: toUint64(p.from),
    term: toNumber(p.term),
    logTerm: toNumber(p.log_term),
    index: toNumber(p.index),
    entries: p.entries.map(entryFromPb),
    commit: toNumber(p.commit),
    reject: p.reject,
    rejectHint: toNumber(p.reject_hint),
    context: p.context,
    ...(snapshot ? { snapshot } : {}),
  };
}

// Wire tags of bargepb.RaftBatch, RaftMessage and Entry: (field number << 3) | wire type (0 varint, 2 bytes).
export const Tag = {
  BATCH_CLUSTER_ID: (1 << 3) | 0,
  BATCH_MESSAGE: (2 << 3) | 2,
  MESSAGE_TYPE: (1 << 3) | 2,
  MESSAGE_TO: (2 << 3) | 0,
  MESSAGE_FROM: (3 << 3) | 0,
  MESSAGE_TERM: (4 << 3) | 0,
  MESSAGE_LOG_TERM: (5 << 3) | 0,
  MESSAGE_INDEX: (6 << 3) | 0,
  MESSAGE_ENTRY: (7 << 3) | 2,
  MESSAGE_COMMIT: (8 << 3) | 0,
  MESSAGE_REJECT: (9 << 3) | 0,
  MESSAGE_REJECT_HINT: (10 << 3) | 0,
  MESSAGE_CONTEXT: (11 << 3) | 2,
  MESSAGE_SNAPSHOT: (12 << 3) | 2,
  MESSAGE_SNAPSHOT_DATA: (13 << 3) | 2,
  ENTRY_TERM: (1 << 3) | 0,
  ENTRY_INDEX: (2 << 3) | 0,
  ENTRY_TYPE: (3 << 3) | 0,
  ENTRY_DATA: (4 << 3) | 2,
} as const;

/** Each message type's name as the bytes of the frame's type field. */
export const MESSAGE_TYPE_BYTES: ReadonlyMap<string, Buffer> = new Map(Object.values(MessageType).map((type) => [type, Buffer.from(type)]));
