// Promoting a learner to a voter, which only the leader can decide (only it knows how far the learner's
// log is). Reached by MemberPromote on the leader and by a follower relaying it over the peer link.

import { Errors } from '../etcd-errors.js';
import { ConfChangeType, type NodeId } from '../raft/index.js';
import type { ConfChange } from '../raft/index.js';
import { encodeMemberAttributes } from './member-codec.js';
import type { MemberRegistry } from './members.js';

/** What promoting needs of the member that decides (the server, without importing it). */
export interface PromotingMember {
  readonly id: NodeId;
  readonly leaderId: NodeId;
  readonly members: MemberRegistry;
  learnerReady(id: NodeId): boolean;
  proposeConfChange(cc: ConfChange): Promise<void>;
}

export async function promoteLearner(server: PromotingMember, id: NodeId): Promise<void> {
  if (server.leaderId !== server.id) throw Errors.notLeader();
  const member = server.members.get(id);
  if (!member) throw Errors.memberNotFound();
  if (!member.isLearner) throw Errors.memberNotLearner();
  if (!server.learnerReady(id)) throw Errors.learnerNotReady();
  await server.proposeConfChange({ type: ConfChangeType.AddNode, nodeId: id, context: encodeMemberAttributes({ ...member, isLearner: false }) });
}
