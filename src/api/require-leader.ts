// Calls that require a leader: clientv3.WithRequireLeader sends `hasleader: true` metadata (kube-apiserver
// sets it on every watch, etcd's client on its lease keep-alive stream). As etcd's interceptors have it, a
// member without a leader refuses such a call at once, and ends such a stream once it has found no leader
// at NO_LEADER_CHECKS checks in a row, one per election timeout: an election (a second or two) does not
// cut every stream, and a member cut off from the others sends its clients to another.

import { Errors, GrpcCode } from '../etcd-errors.js';
import type { EtcdServer } from '../server/etcd-server.js';

/** etcd's maxNoLeaderCnt. */
const NO_LEADER_CHECKS = 3;

interface WithMetadata {
  readonly metadata?: { get(key: string): unknown[] };
}

/** A stream that can be ended with a status. */
interface EndableStream extends WithMetadata {
  emit(event: 'error', error: { code: number; details: string }): boolean;
}

const requiresLeader = (call: WithMetadata): boolean => call.metadata?.get('hasleader')[0] === 'true';

/** Whether a call must be refused now: it requires a leader and the member has none (the metadata read only then). */
export function refusedForNoLeader(server: EtcdServer, call: WithMetadata): boolean {
  return server.leaderId === 0n && requiresLeader(call);
}

/**
 * Watches over a stream that may require a leader: `end` (which lets go of what the stream holds) runs
 * and the stream ends with "no leader" at once if the member has none now, or later once it has had none
 * for NO_LEADER_CHECKS checks in a row. Returns whether the stream goes on, and the checks' stop.
 */
export function guardStreamLeader(server: EtcdServer, call: EndableStream, end: () => void): { open: boolean; stop: () => void } {
  const endForNoLeader = (): void => {
    end();
    call.emit('error', { code: GrpcCode.Unavailable, details: Errors.noLeader().message });
  };
  if (!requiresLeader(call)) return { open: true, stop: () => undefined };
  if (server.leaderId === 0n) {
    endForNoLeader();
    return { open: false, stop: () => undefined };
  }
  let leaderlessChecks = 0;
  const timer = setInterval(() => {
    leaderlessChecks = server.leaderId === 0n ? leaderlessChecks + 1 : 0;
    if (leaderlessChecks < NO_LEADER_CHECKS) return;
    clearInterval(timer);
    endForNoLeader();
  }, server.config.electionTimeoutMs);
  timer.unref();
  return { open: true, stop: () => clearInterval(timer) };
}
