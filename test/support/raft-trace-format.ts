// The text form of raft messages, entries and Readies in recorded traces: one line per message or entry,
// fields in a fixed order, only what is set, so a change in behaviour shows as a small diff.

import { ConfChangeType, EntryType, MessageType, decodeConfChange } from '../../src/raft/index.js';
import type { Entry, HardState, Message, Ready, Snapshot, SoftState } from '../../src/raft/index.js';

const decoder = new TextDecoder();

/** `term/index EntryNormal "data"`, or the decoded membership change. */
export function formatEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    const cc = decodeConfChange(e.data);
    return `${e.term}/${e.index} EntryConfChange ${ConfChangeType[cc.type]} ${cc.nodeId}`;
  }
  return `${e.term}/${e.index} EntryNormal ${JSON.stringify(decoder.decode(e.data))}`;
}

export function formatSnapshot(s: Snapshot): string {
  const { index, term, confState } = s.metadata;
  return `Index:${index} Term:${term} Voters:(${confState.voters.join(',')}) Learners:(${confState.learners.join(',')})`;
}

/**
 * `from->to Type Term:t Log:logTerm/index`, then what the message carries: the commit index, a
 * rejection (with the follower's hint, for appends), entries, a snapshot, a context.
 */
export function formatMessage(m: Message): string {
  let line = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.commit !== 0) line += ` Commit:${m.commit}`;
  // A rejected append's Log term is that of the hint: the follower's term at the hinted index.
  if (m.reject) line += m.type === MessageType.AppResp ? ` Rejected (Hint: ${m.rejectHint})` : ' Rejected';
  if (m.entries.length > 0) line += ` Entries:[${m.entries.map(formatEntry).join(', ')}]`;
  if (m.snapshot) line += ` Snapshot:[${formatSnapshot(m.snapshot)}]`;
  if (m.context.length > 0) line += ` Context:${JSON.stringify(decoder.decode(m.context))}`;
  return line;
}

export function formatSoftState(s: SoftState): string {
  return `Lead:${s.lead} State:${s.raftState}`;
}

export function formatHardState(h: HardState): string {
  return `HardState Term:${h.term} Vote:${h.vote} Commit:${h.commit}`;
}

/** A Ready, one field a line (lists under a heading), leaving out what is empty. */
export function formatReady(rd: Ready): string[] {
  const out = [`Ready MustSync=${rd.mustSync}:`];
  if (rd.softState) out.push(formatSoftState(rd.softState));
  if (rd.hardState) out.push(formatHardState(rd.hardState));
  if (rd.snapshot) out.push(`Snapshot ${formatSnapshot(rd.snapshot)}`);
  const list = (heading: string, items: readonly string[]) => {
    if (items.length > 0) out.push(`${heading}:`, ...items);
  };
  list('Entries', rd.entries.map(formatEntry));
  list('CommittedEntries', rd.committedEntries.map(formatEntry));
  list('Messages', rd.messages.map(formatMessage));
  // Sent only once the Ready's entries and hard state are persisted (responses that promise durable state).
  list('MessagesAfterPersist', rd.persistedMessages.map(formatMessage));
  list('ReadStates', rd.readStates.map((rs) => `Index:${rs.index} Context:${JSON.stringify(decoder.decode(rs.requestCtx))}`));
  return out;
}
