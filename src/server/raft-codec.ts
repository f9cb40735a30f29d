// Raft messages on the wire between members, as bargepb.RaftBatch frames.

import type { Entry, EntryType, Message, MessageType } from '../raft/index.js';
import { toNumber, toUint64, uint64, type Pb } from './convert.js';
import { messageType } from './proto.js';

const RaftBatch = messageType('bargepb.RaftBatch');
const EMPTY = new Uint8Array(0);

function entryToPb(e: Entry): Pb {
  return { term: e.term, index: e.index, type: e.type, data: e.data };
}

function entryFromPb(e: Pb): Entry {
  return { term: toNumber(e.term), index: toNumber(e.index), type: e.type as EntryType, data: e.data ?? EMPTY };
}

function messageToPb(m: Message): Pb {
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

function messageFromPb(p: Pb): Message {
  const snapshot = p.snapshot
    ? {
        metadata: {
          confState: {
            voters: (p.snapshot.conf_state?.voters ?? []).map(toUint64),
            learners: (p.snapshot.conf_state?.learners ?? []).map(toUint64),
          },
          index: toNumber(p.snapshot.index),
          term: toNumber(p.snapshot.term),
        },
        data: p.snapshot_data ?? EMPTY,
      }
    : undefined;
  return {
    type: p.type as MessageType,
    to: toUint64(p.to),
    from: toUint64(p.from),
    term: toNumber(p.term),
    logTerm: toNumber(p.log_term),
    index: toNumber(p.index),
    entries: (p.entries ?? []).map(entryFromPb),
    commit: toNumber(p.commit),
    reject: p.reject === true,
    rejectHint: toNumber(p.reject_hint),
    context: p.context ?? EMPTY,
    ...(snapshot ? { snapshot } : {}),
  };
}

export function encodeRaftBatch(clusterId: bigint, messages: readonly Message[]): Uint8Array {
  return RaftBatch.encode({ cluster_id: uint64(clusterId), messages: messages.map(messageToPb) }).finish();
}

export function decodeRaftBatch(bytes: Uint8Array): { clusterId: bigint; messages: Message[] } {
  const batch = RaftBatch.decode(bytes) as Pb;
  return { clusterId: toUint64(batch.cluster_id), messages: (batch.messages ?? []).map(messageFromPb) };
}
