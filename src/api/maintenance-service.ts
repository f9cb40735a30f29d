// etcd's Maintenance service: status, hashes, alarms, leader moves and the snapshot stream; the calls
// that take the root role report their auth errors unmapped, as etcd 3.4 does.

import type * as grpc from '@grpc/grpc-js';
import { Errors, unmappedAuthError } from '../etcd-errors.js';
import type { EtcdServer } from '../server/etcd-server.js';
import type { Alarm } from '../server/state-machine.js';
import { toNumber, toUint64, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { callerOf, checkAdmin, type AuthContextCall } from './client-identity.js';
import { toServiceError, unary, type Implementation } from './grpc-service.js';

const ALARM_NAMES = ['NONE', 'NOSPACE', 'CORRUPT'];

/** The version Status reports: the etcd release whose API and behaviour Barge follows. */
export const ETCD_API_VERSION = '3.4.23';

async function checkMaintenanceAdmin(s: EtcdServer, call: AuthContextCall): Promise<void> {
  try {
    await checkAdmin(s, call);
  } catch (err) {
    throw unmappedAuthError(err);
  }
}

export function maintenanceService(s: EtcdServer): Implementation<pb.MaintenanceMethods> {
  return {
    Status: unary(async () => ({
      header: s.header(),
      version: ETCD_API_VERSION,
      dbSize: await s.dbSize(),
      dbSizeInUse: await s.dbSize(),
      leader: uint64(s.leaderId),
      raftIndex: s.raftStatus.index,
      raftTerm: s.raftStatus.term,
      raftAppliedIndex: s.raftStatus.appliedIndex,
      errors: [
        ...(s.leaderId === 0n ? ['etcdserver: no leader'] : []),
        ...s.kv.alarms().map((a) => `memberID:${a.memberId} alarm:${ALARM_NAMES[a.alarm]} `),
      ],
      isLearner: s.isLearner,
    })),
    HashKV: unary(async (call) => {
      await checkMaintenanceAdmin(s, call);
      const hash = s.kv.hashKv(toNumber(call.request.revision));
      return { header: s.header(), hash: hash.hash >>> 0, compact_revision: hash.compactRevision };
    }),
    Hash: unary(async (call) => {
      await checkMaintenanceAdmin(s, call);
      return { header: s.header(), hash: s.kv.hashKv(0).hash >>> 0 };
    }),
    Alarm: unary(async (call) => {
      // Alarms take no permission in etcd 3.4; a token given must be valid.
      await callerOf(s, call);
      const action = call.request.action;
      if (action === 0) await s.linearizableRead();
      const alarms =
        action === 0
          ? s.kv.alarms().filter((a) => {
              const member = toUint64(call.request.memberID);
              const type = call.request.alarm;
              return (member === 0n || a.memberId === member) && (type === 0 || a.alarm === type);
            })
          : ((await s.propose({ alarm: call.request }, call)).result as Alarm[]);
      return { header: s.header(), alarms: alarms.map((a) => ({ memberID: uint64(a.memberId), alarm: a.alarm })) };
    }),
    Defragment: unary(async (call) => {
      await checkMaintenanceAdmin(s, call);
      return { header: s.header() };
    }),
    // etcd 3.4 checks no permission for moving the leader.
    MoveLeader: unary(async (call) => {
      if (s.leaderId !== s.id) throw Errors.notLeader();
      await s.moveLeader(toUint64(call.request.targetID));
      return { header: s.header() };
    }),
    Snapshot: (call: grpc.ServerWritableStream<pb.SnapshotRequest, pb.SnapshotResponseInit>) => {
      void (async () => {
        try {
          await checkMaintenanceAdmin(s, call);
        } catch (err) {
          call.emit('error', toServiceError(err));
          return;
        }
        // Whole, then sent: remaining_bytes must count down from the true total.
        const chunks: Uint8Array[] = [];
        for await (const chunk of s.kv.snapshotChunks()) chunks.push(chunk);
        let remaining = chunks.reduce((sum, c) => sum + c.length, 0);
        for (const blob of chunks) {
          remaining -= blob.length;
          call.write({ header: s.header(), remaining_bytes: remaining, blob });
        }
        call.end();
      })().catch((err: unknown) => call.destroy(err instanceof Error ? err : new Error(String(err))));
    },
  };
}
