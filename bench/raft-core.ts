// Throughput of the consensus core alone: an in-memory cluster, no disks, no sockets.
// Measures how many proposals per second the protocol code itself can commit and apply.
import { Harness } from '../test/support/raft-harness.js';

export interface RaftCoreResult {
  readonly members: number;
  readonly batch: number;
  readonly proposals: number;
  readonly seconds: number;
  readonly proposalsPerSecond: number;
}

export function runRaftCore(members: number, batch: number, proposals: number): RaftCoreResult {
  const ids = Array.from({ length: members }, (_, i) => BigInt(i + 1));
  const h = new Harness(ids, { maxInflightMsgs: 256 });
  h.campaign(1n);
  const payload = 'x'.repeat(100);
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < proposals; sent += batch) {
    for (let i = 0; i < batch; i++) h.propose(1n, payload);
    h.stabilize();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const applied = h.appliedData(ids[ids.length - 1]!).length;
  if (applied < proposals) throw new Error(`only ${applied} of ${proposals} proposals were applied`);
  return { members, batch, proposals, seconds, proposalsPerSecond: proposals / seconds };
}
