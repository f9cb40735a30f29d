// A snapshot's state travelling between members: raft's snapshot message names a point, and the state
// itself goes as a dump of the leader's backend (which may be newer than that point), with a SHA-256 at
// the end that the receiver checks as it rebuilds its backend from the records.

import type { Message, SnapshotMetadata } from '../raft/index.js';
import type { StateBackend } from '../storage/backend.js';
import { stateSnapshotFrames, stateSnapshotRecords } from '../storage/state-dump-stream.js';
import { withOwnIdentity } from './bootstrap.js';
import type { ServerConfig } from './server-config.js';

export class StateDumps {
  /** The last dump, per snapshot point, so a retried transfer sends the same bytes and can resume. */
  private last: { index: number; term: number; data: Uint8Array } | undefined;

  /** A snapshot message from raft (metadata only) with the backend's state filled in, ready to send. */
  async withState(m: Message, backend: StateBackend, log: ServerConfig['log']): Promise<Message> {
    const metadata = m.snapshot!.metadata;
    const data = await this.dumpFor(backend, metadata);
    log('info', 'sending snapshot', { to: m.to.toString(16), index: metadata.index, bytes: data.length });
    return { ...m, snapshot: { metadata, data } };
  }

  /** The backend's whole state for the snapshot at `metadata`, with its SHA-256 appended. */
  async dumpFor(backend: StateBackend, metadata: SnapshotMetadata): Promise<Uint8Array> {
    const { index, term } = metadata;
    if (this.last?.index === index && this.last.term === term) return this.last.data;
    const chunks: Uint8Array[] = [];
    let sha: Uint8Array = new Uint8Array(0);
    for await (const frame of stateSnapshotFrames(backend)) {
      if (frame.kind === 'chunk') chunks.push(frame.data);
      else sha = frame.sha256;
    }
    const data = Buffer.concat([...chunks, sha]);
    this.last = { index, term, data };
    return data;
  }
}

/** Replaces `backend` with the state a snapshot message carried, keeping this member's own identity. */
export async function installStateDump(backend: StateBackend, data: Uint8Array, memberId: bigint): Promise<void> {
  const payload = data.subarray(0, data.length - 32);
  const sha = data.subarray(data.length - 32);
  async function* frames() {
    yield { kind: 'chunk' as const, data: payload };
    yield { kind: 'end' as const, totalBytes: payload.length, sha256: sha };
  }
  await backend.replaceWith(withOwnIdentity(stateSnapshotRecords(frames()), memberId));
}
