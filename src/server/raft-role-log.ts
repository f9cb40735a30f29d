// The member's raft role changes in its log, as etcd's raft logs them ("<id> became candidate at term 2"):
// an operator reading a member that cannot win an election sees each one it starts, and whether its term
// moves (it does not under pre-vote).

import { StateType, type NodeId } from '../raft/index.js';
import type { ServerConfig } from './server-config.js';

const ROLE_NAMES: Record<StateType, string> = {
  [StateType.Follower]: 'follower',
  [StateType.PreCandidate]: 'pre-candidate',
  [StateType.Candidate]: 'candidate',
  [StateType.Leader]: 'leader',
};

export class RaftRoleLog {
  private role: StateType = StateType.Follower;
  private logged = '';

  constructor(
    private readonly id: NodeId,
    private readonly log: ServerConfig['log'],
  ) {}

  /** The role a Ready reported (it reports one only when it changed). */
  roleIs(role: StateType): void {
    this.role = role;
  }

  /** After a Ready is handled: logs the role and term when either changed. */
  note(term: number): void {
    const line = `${this.id.toString(16)} became ${ROLE_NAMES[this.role]} at term ${term}`;
    if (line === this.logged) return;
    this.logged = line;
    this.log('info', line);
  }
}
