// Applies committed entries to the state machine and the member registry (etcd's applierV3, with its
// layers: refused by the corrupt alarm, capped by the space alarm, then auth checks, then the backend). Pure over what it is given:
// no raft node, no disk of its own, no sockets; the server commits the backend after each batch.

import type { SimpleTokens } from '../../auth/index.js';
import { Errors } from '../../etcd-errors.js';
import { ConfChangeType, type ConfChange } from '../../raft/index.js';
import { isAuthRequest, AlarmAction, type ClusterRequest, type InternalRequest, type RequestBody } from '../internal-request.js';
import type { Member, MemberRegistry } from '../members.js';
import { AlarmType, type Alarm, type StateMachine } from '../state-machine.js';
import type { Backend } from '../../storage/backend.js';
import { applyAuth } from './auth-applier.js';
import { checkCorrupt, checkPermission, checkQuota } from './guards.js';

export interface ApplyResult {
  readonly result: unknown;
  /** Settles when follow-up work the response must wait for is done (a physical compaction). */
  readonly done?: Promise<void>;
}

export interface ApplierEnv {
  /** The state machine as of now (installing a snapshot replaces it). */
  stateMachine(): StateMachine<Backend>;
  readonly members: MemberRegistry;
  /** This member's simple tokens (simple token mode). */
  readonly simpleTokens?: SimpleTokens;
  /** The member list changed (peer URLs to dial). */
  membersChanged(): void;
  /** A lease was revoked (the leader stops tracking its own revoke proposal). */
  leaseRevoked(id: bigint): void;
}

/** A request this member does not understand: a bug (or a newer member's entry), never a no-op. */
export class UnknownRequestError extends Error {
  constructor(name: string) {
    super(`unknown request in a committed entry: ${name}`);
    this.name = 'UnknownRequestError';
  }
}

export class Applier {
  constructor(private readonly env: ApplierEnv) {}

  /**
   * Applies one request from the entry at `index`. Throws an EtcdError for a request that fails (the
   * proposer gets it; every member fails it alike), and UnknownRequestError for one nobody understands.
   */
  apply(request: InternalRequest, index: number): ApplyResult {
    const sm = this.env.stateMachine();
    checkCorrupt(sm, request.body);
    checkQuota(sm, request.body);
    if (request.auth && sm.auth.enabled) checkPermission(sm, request.body, request.auth);
    return this.applyToBackend(sm, request.body, index);
  }

  /** Updates the member registry for a conf change (the raft node applies it apart). */
  applyConfChange(cc: ConfChange, attributes: Omit<Member, 'id' | 'isLearner'> | undefined): void {
    const members = this.env.members;
    switch (cc.type) {
      case ConfChangeType.AddNode:
      case ConfChangeType.AddLearnerNode: {
        const existing = members.get(cc.nodeId);
        const isLearner = cc.type === ConfChangeType.AddLearnerNode;
        if (existing) members.set({ ...existing, isLearner });
        else if (attributes) members.set({ ...attributes, id: cc.nodeId, isLearner });
        break;
      }
      case ConfChangeType.RemoveNode:
        members.remove(cc.nodeId);
        break;
      default:
        throw new UnknownRequestError(`conf change type ${String(cc.type)}`);
    }
    this.env.membersChanged();
  }

  private applyToBackend(sm: StateMachine<Backend>, body: RequestBody, index: number): ApplyResult {
    if (isAuthRequest(body)) return { result: applyAuth(sm, this.env.simpleTokens, body, index) };
    switch (body.kind) {
      case 'put':
        return { result: sm.kv.put(body.put) };
      case 'delete_range':
        return { result: sm.kv.deleteRange(body.deleteRange) };
      case 'txn':
        return { result: sm.kv.txn(body.txn) };
      case 'compaction':
        return { result: {}, done: sm.store.compact(body.revision) };
      case 'lease_grant':
        return { result: sm.leaseGrant(body.id, body.ttl) };
      case 'lease_revoke':
        this.env.leaseRevoked(body.id);
        sm.leaseRevoke(body.id);
        return { result: {} };
      case 'lease_checkpoint':
        for (const { id, remainingTtl } of body.checkpoints) sm.leaseCheckpoint(id, remainingTtl);
        return { result: {} };
      case 'publish':
      case 'update_member':
      case 'alarm':
        return { result: this.applyCluster(sm, body) };
      case 'unknown':
        throw new UnknownRequestError(body.name);
    }
  }

  private applyCluster(sm: StateMachine<Backend>, body: ClusterRequest): unknown {
    const members = this.env.members;
    switch (body.kind) {
      case 'update_member': {
        const existing = members.get(body.member.id);
        if (!existing) throw Errors.memberNotFound();
        members.set({ ...existing, peerUrls: body.member.peerUrls });
        this.env.membersChanged();
        return {};
      }
      case 'publish': {
        const existing = members.get(body.member.id);
        if (existing) members.set({ ...existing, name: body.member.name, clientUrls: body.member.clientUrls });
        return {};
      }
      case 'alarm':
        return applyAlarm(sm, body.action, body.memberId, body.alarm);
    }
  }
}

/** etcd's Alarm: GET lists, ACTIVATE raises, DEACTIVATE clears (member 0 and NONE match all). */
function applyAlarm(sm: StateMachine<Backend>, action: AlarmAction, memberId: bigint, alarm: AlarmType): Alarm[] {
  if (action === AlarmAction.Get) {
    return sm.alarms().filter((a) => (memberId === 0n || a.memberId === memberId) && (alarm === AlarmType.None || a.alarm === alarm));
  }
  if (action === AlarmAction.Activate) return sm.activateAlarm(memberId, alarm) ? [{ memberId, alarm }] : [];
  return sm.deactivateAlarm(memberId, alarm) ? [{ memberId, alarm }] : [];
}
