// The layers a request passes before it reaches the backend, in etcd's order: the corrupt applier (with
// the CORRUPT alarm raised no write applies), the capped applier (with the space alarm raised nothing may
// grow the database) and the auth applier (a client's request is
// checked against the auth state as of its entry, the same on every member).

import { checkDeleteRange, checkLeaseRevoke, checkPut, checkTxn, type AuthInfo } from '../../auth/index.js';
import { Errors } from '../../etcd-errors.js';
import type { TxnRequest } from '../../mvcc/index.js';
import { isAuthRequest, type RequestBody } from '../internal-request.js';
import { AlarmType, type StateMachine } from '../state-machine.js';
import type { Backend } from '../../storage/backend.js';

/** Throws "corrupt cluster" for a keyspace or lease write while the CORRUPT alarm is raised (etcd's applierV3Corrupt). */
export function checkCorrupt(sm: StateMachine<Backend>, body: RequestBody): void {
  if (!sm.hasAlarm(AlarmType.Corrupt)) return;
  const refused = ['put', 'delete_range', 'txn', 'compaction', 'lease_grant', 'lease_revoke'];
  if (refused.includes(body.kind)) throw Errors.corrupt();
}

/** Throws NOSPACE for a request that could grow the database while the space alarm is raised. */
export function checkQuota(sm: StateMachine<Backend>, body: RequestBody): void {
  if (!sm.hasAlarm(AlarmType.NoSpace)) return;
  if (body.kind === 'put' || body.kind === 'lease_grant' || (body.kind === 'txn' && hasWrites(body.txn))) throw Errors.noSpace();
}

/** Throws permission denied (or a stale-revision error) when `info` may not make this request. */
export function checkPermission(sm: StateMachine<Backend>, body: RequestBody, info: AuthInfo): void {
  const auth = sm.auth;
  const leaseKeys = (id: bigint): Uint8Array[] => sm.leaseKeys(id);
  switch (body.kind) {
    case 'put':
      return checkPut(auth, info, body.put, leaseKeys);
    case 'delete_range':
      return checkDeleteRange(auth, info, body.deleteRange);
    case 'txn':
      return checkTxn(auth, info, body.txn, leaseKeys);
    case 'lease_revoke':
      return checkLeaseRevoke(auth, info, body.id, leaseKeys);
    default:
      // Managing auth takes the root role.
      if (isAuthRequest(body) && body.kind !== 'authenticate') auth.checkAdmin(info);
  }
}

function hasWrites(txn: TxnRequest): boolean {
  const ops = [...(txn.success ?? []), ...(txn.failure ?? [])];
  return ops.some((op) => op.requestPut !== undefined || op.requestDeleteRange !== undefined || (op.requestTxn !== undefined && hasWrites(op.requestTxn)));
}
