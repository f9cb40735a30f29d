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
  private loggedRole: StateType | undefined;
  private loggedTerm = -1;

  constructor(
    private readonly id: NodeId,
    private readonly log: ServerConfig['log'],
  ) {}

  /** The role a Ready reported (it reports one only when it changed). */
  roleIs(role: StateType): void {
    this.role = role;
  }

  /** After each Ready (a hot path): logs the role and term when either changed, and does nothing else. */
  note(term: number): void {
    if (this.role === this.loggedRole && term === this.loggedTerm) return;
    this.loggedRole = this.role;
    this.loggedTerm = term;
    this.log('info', `${this.id.toString(16)} became ${ROLE_NAMES[this.role]} at term ${term}`);
  }
}
