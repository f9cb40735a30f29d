// etcd's KV service: Range (linearizable by ReadIndex unless serializable), Put, DeleteRange and Txn
// (a read-only txn is served like a Range, any other is proposed), and Compact.

import { checkRange, checkTxn } from '../auth/index.js';
import { Errors } from '../etcd-errors.js';
import type { DeleteRangeResponse, PutResponse, RequestOp, TxnRequest, TxnResponse } from '../mvcc/index.js';
import { authHeader } from '../server/client-auth.js';
import type { EtcdServer } from '../server/etcd-server.js';
import type { KvWrite } from '../server/internal-request.js';
import { deleteRangeResponseToPb, putResponseToPb, rangeRequestFromPb, rangeResponseToPb, txnRequestFromPb, txnResponseToPb } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { callerOf } from './client-identity.js';
import { unary, type Implementation } from './grpc-service.js';
import type { UnaryCall } from './unary-call.js';

function isReadOnly(txn: TxnRequest): boolean {
  const ops = (list?: RequestOp[]): boolean => (list ?? []).every((op) => op.requestRange !== undefined || (op.requestTxn !== undefined && isReadOnly(op.requestTxn)));
  return ops(txn.success) && ops(txn.failure);
}

/** A write: checked as etcd checks it before proposing, proposed, answered once it applied here. */
async function write<Response>(s: EtcdServer, call: UnaryCall, body: KvWrite, toPb: (result: unknown, header: pb.ResponseHeaderInit) => Response): Promise<Response> {
  if (s.isLearner) throw Errors.notSupportedForLearner();
  s.checkWrite(body);
  // Without auth there is nobody to look up: no await, which cost a turn of the microtask queue per write.
  const caller = s.auth.enabled ? await callerOf(s, call) : undefined;
  const outcome = await s.propose({ ...body, auth: authHeader(caller) }, call);
  return toPb(outcome.result, s.header(outcome.revision));
}

export function kvService(s: EtcdServer): Implementation<pb.KVMethods> {
  return {
    Range: unary(async (call) => {
      const request = rangeRequestFromPb(call.request);
      if (request.key.length === 0) throw Errors.emptyKey();
      // A learner serves serializable reads only.
      if (!request.serializable && s.isLearner) throw Errors.notSupportedForLearner();
      const caller = await callerOf(s, call);
      if (!request.serializable) await s.linearizableRead();
      if (caller) checkRange(s.auth, caller, request);
      const result = s.kv.range(request);
      return rangeResponseToPb(result, s.header());
    }),
    Put: unary((call) => write(s, call, { put: call.request }, (r, h) => putResponseToPb(r as PutResponse, h))),
    DeleteRange: unary((call) => write(s, call, { delete_range: call.request }, (r, h) => deleteRangeResponseToPb(r as DeleteRangeResponse, h))),
    Txn: unary(async (call) => {
      const txn = txnRequestFromPb(call.request);
      if (isReadOnly(txn)) {
        s.checkWrite({ txn: call.request });
        const caller = await callerOf(s, call);
        await s.linearizableRead();
        if (caller) checkTxn(s.auth, caller, txn, (id) => s.kv.leaseKeys(id));
        return txnResponseToPb(s.kv.readOnlyTxn(txn), s.header());
      }
      return write(s, call, { txn: call.request }, (r, h) => txnResponseToPb(r as TxnResponse, h));
    }),
    Compact: unary(async (call) => {
      // etcd 3.4 checks no permission for compaction, only that a token given is valid.
      const outcome = await s.propose({ compaction: call.request, auth: authHeader(await callerOf(s, call)) }, call);
      if (call.request.physical) await outcome.done;
      return { header: s.header(outcome.revision) };
    }),
  };
}
