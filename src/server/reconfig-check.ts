// --strict-reconfig-check (etcd's default): a membership change that could cost the cluster its quorum is
// refused before it is proposed, as etcd's mayAddMember, mayRemoveMember and mayPromoteMember refuse it.
// A member counts as started once it has published its name; etcd counts a peer as connected when its
// raft stream has been up for a while, Barge when the peer answers on its peer URL at the time of the check.

import { Errors } from '../etcd-errors.js';
import { ConfChangeType, type ConfChange, type NodeId } from '../raft/index.js';
import type { Member } from './members.js';
import type { ServerConfig } from './server-config.js';
import { dialAddressFor, getFromPeer } from './transport.js';

export interface ReconfigCheckDeps {
  readonly selfId: NodeId;
  readonly members: readonly Member[];
  /** Whether a member answers on one of its peer URLs now. */
  readonly reachable: (member: Member) => Promise<boolean>;
}

const started = (m: Member): boolean => m.name !== '';

/** Started voters (plus `extraStarted`) reach a quorum of the voters (plus `extraMembers`); etcd's IsReadyTo*. */
function enoughStarted(voters: readonly Member[], extraMembers: number, extraStarted: number): boolean {
  const members = voters.length + extraMembers;
  return voters.filter(started).length + extraStarted >= Math.floor(members / 2) + 1;
}

/** How many of `voters` are connected: this member always, the others when they answer. */
async function connectedVoters(voters: readonly Member[], deps: ReconfigCheckDeps): Promise<Set<NodeId>> {
  const answers = await Promise.all(voters.map(async (m) => [m.id, m.id === deps.selfId || (await deps.reachable(m))] as const));
  return new Set(answers.filter(([, up]) => up).map(([id]) => id));
}

/** Throws etcd's error when `cc` would be refused under --strict-reconfig-check. */
export async function checkReconfiguration(cc: ConfChange, deps: ReconfigCheckDeps): Promise<void> {
  const voters = deps.members.filter((m) => !m.isLearner);
  const target = deps.members.find((m) => m.id === cc.nodeId);
  switch (cc.type) {
    case ConfChangeType.AddNode:
      if (target?.isLearner) {
        // A promotion: the learner counts as a started voter.
        if (!enoughStarted(voters, 1, 1)) throw Errors.memberNotEnoughStarted();
        return;
      }
      // A cluster of one taking its second member (a restore's first step) is always allowed.
      if (!(voters.length === 1 && started(voters[0]!)) && !enoughStarted(voters, 1, 0)) throw Errors.memberNotEnoughStarted();
      return checkFullyConnected(voters, deps);
    case ConfChangeType.AddLearnerNode:
      return checkFullyConnected(voters, deps);
    case ConfChangeType.RemoveNode: {
      if (target === undefined || target.isLearner) return;
      const remaining = voters.filter((m) => m.id !== cc.nodeId);
      if (!enoughStarted(remaining, 0, 0)) throw Errors.memberNotEnoughStarted();
      const connected = await connectedVoters(voters, deps);
      // A member that is down is no part of the active quorum: removing it is safe.
      if (target.id !== deps.selfId && !connected.has(target.id)) return;
      if (connected.size - 1 < 1 + Math.floor((voters.length - 1) / 2)) throw Errors.unhealthy();
      return;
    }
    default:
      return;
  }
}

async function checkFullyConnected(voters: readonly Member[], deps: ReconfigCheckDeps): Promise<void> {
  if ((await connectedVoters(voters, deps)).size < voters.length) throw Errors.unhealthy();
}

/** Whether a member answers GET /members on one of its peer URLs within a second, with this member's peer TLS. */
export function peerReachable(config: ServerConfig): (member: Member) => Promise<boolean> {
  const listen = config.listenPeerUrls[0];
  const localAddress = listen === undefined ? undefined : dialAddressFor(listen);
  return async (member) => {
    for (const url of member.peerUrls) {
      const answered = await getFromPeer(`${url}/members`, { tls: config.peerTls, localAddress, timeoutMs: 1000 }).then(
        () => true,
        () => false,
      );
      if (answered) return true;
    }
    return false;
  };
}
