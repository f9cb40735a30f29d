// Raft messages on the wire between members, as bargepb.RaftBatch frames.

import protobuf from 'protobufjs';
import type { Entry, EntryType, Message, MessageType } from '../raft/index.js';
import { toNumber, toUint64, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';

const RaftBatch = messageType('bargepb.RaftBatch');
const RaftMessage = messageType('bargepb.RaftMessage');

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

function messageFromPb(p: pb.RaftMessage): Message {
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
const BATCH_CLUSTER_ID = (1 << 3) | 0;
const BATCH_MESSAGE = (2 << 3) | 2;
const MESSAGE_TYPE = (1 << 3) | 2;
const MESSAGE_TO = (2 << 3) | 0;
const MESSAGE_FROM = (3 << 3) | 0;
const MESSAGE_TERM = (4 << 3) | 0;
const MESSAGE_LOG_TERM = (5 << 3) | 0;
const MESSAGE_INDEX = (6 << 3) | 0;
const MESSAGE_ENTRY = (7 << 3) | 2;
const MESSAGE_COMMIT = (8 << 3) | 0;
const MESSAGE_REJECT = (9 << 3) | 0;
const MESSAGE_REJECT_HINT = (10 << 3) | 0;
const MESSAGE_CONTEXT = (11 << 3) | 2;
const ENTRY_TERM = (1 << 3) | 0;
const ENTRY_INDEX = (2 << 3) | 0;
const ENTRY_TYPE = (3 << 3) | 0;
const ENTRY_DATA = (4 << 3) | 2;

/** Log entries never change, and a leader sends the same ones to every follower: each is encoded once. */
const encodedEntries = new WeakMap<Entry, Uint8Array>();

function encodedEntry(e: Entry): Uint8Array {
  let bytes = encodedEntries.get(e);
  if (bytes === undefined) {
    const w = protobuf.Writer.create();
    if (e.term !== 0) w.uint32(ENTRY_TERM).uint64(e.term);
    if (e.index !== 0) w.uint32(ENTRY_INDEX).uint64(e.index);
    if (e.type !== 0) w.uint32(ENTRY_TYPE).uint32(e.type);
    if (e.data.length > 0) w.uint32(ENTRY_DATA).bytes(e.data);
    bytes = w.finish();
    encodedEntries.set(e, bytes);
  }
  return bytes;
}

/**
 * A frame of messages for one peer. Messages without a snapshot are written field by field around the
 * cached entries (zero fields left out, which decode as zero); the rare snapshot message goes through
 * protobufjs whole.
 */
export function encodeRaftBatch(clusterId: bigint, messages: readonly Message[]): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(BATCH_CLUSTER_ID).uint64(uint64(clusterId));
  for (const m of messages) {
    if (m.snapshot) {
      w.uint32(BATCH_MESSAGE).bytes(RaftMessage.encode(messageToPb(m)).finish());
      continue;
    }
    w.uint32(BATCH_MESSAGE).fork();
    w.uint32(MESSAGE_TYPE).string(m.type);
    w.uint32(MESSAGE_TO).uint64(uint64(m.to));
    w.uint32(MESSAGE_FROM).uint64(uint64(m.from));
    if (m.term !== 0) w.uint32(MESSAGE_TERM).uint64(m.term);
    if (m.logTerm !== 0) w.uint32(MESSAGE_LOG_TERM).uint64(m.logTerm);
    if (m.index !== 0) w.uint32(MESSAGE_INDEX).uint64(m.index);
    for (const e of m.entries) w.uint32(MESSAGE_ENTRY).bytes(encodedEntry(e));
    if (m.commit !== 0) w.uint32(MESSAGE_COMMIT).uint64(m.commit);
    if (m.reject) w.uint32(MESSAGE_REJECT).bool(true);
    if (m.rejectHint !== 0) w.uint32(MESSAGE_REJECT_HINT).uint64(m.rejectHint);
    if (m.context.length > 0) w.uint32(MESSAGE_CONTEXT).bytes(m.context);
    w.ldelim();
  }
  return w.finish();
}

export function decodeRaftBatch(bytes: Uint8Array): { clusterId: bigint; messages: Message[] } {
  const batch = RaftBatch.decode(bytes);
  return { clusterId: toUint64(batch.cluster_id), messages: batch.messages.map(messageFromPb) };
}
