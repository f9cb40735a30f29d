// etcd's MoveLeader: any voting member may be named, this leader itself included (nothing to do then).
// The transferee may be behind right after a burst of writes: raft sends it what it lacks and hands
// over once it has caught up, or abandons the transfer after an election timeout; abandoned, the
// transfer is asked for again, until the request's time is up.

import { Errors } from '../etcd-errors.js';
import type { NodeId } from '../raft/index.js';
import type { MemberRegistry } from './members.js';

export interface TransferringLeader {
  readonly id: NodeId;
  readonly leaderId: NodeId;
  readonly members: MemberRegistry;
  /** The member raft is handing leadership to, 0 when no transfer is under way. */
  readonly leadTransferee: NodeId;
  transferLeadership(to: NodeId): void;
}

export async function moveLeader(leader: TransferringLeader, target: NodeId, timeoutMs: number, pollMs: number): Promise<void> {
  const member = leader.members.get(target);
  if (!member || member.isLearner) throw Errors.badLeaderTransferee();
  const deadline = Date.now() + timeoutMs;
  while (leader.leaderId !== target) {
    if (Date.now() >= deadline) throw Errors.leaderTransferTimeout();
    if (leader.leaderId === leader.id && leader.leadTransferee === 0n) leader.transferLeadership(target);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
