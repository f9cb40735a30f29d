// etcd's Lease service: grants and revocations are proposed; keep-alives and time-to-live are the
// leader's to answer (only its lessor tracks expiry), so a follower relays them (leader-forwarder.ts).

import { randomBytes } from 'node:crypto';
import { Errors } from '../etcd-errors.js';
import { MAX_LEASE_TTL_SECONDS } from '../lease/index.js';
import { authHeader } from '../server/client-auth.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { isError } from '../server/peer-lease-handler.js';
import { int64, toBigInt, toNumber } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { callerOf } from './client-identity.js';
import type { DuplexCall } from './duplex-call.js';
import { toServiceError, unary, type Implementation } from './grpc-service.js';
import type { LeaderForwarder } from './leader-forwarder.js';
import { guardStreamLeader } from './require-leader.js';

export type KeepAliveCall = DuplexCall<pb.LeaseKeepAliveRequest, pb.LeaseKeepAliveResponseInit>;

/** One LeaseKeepAlive stream: each request renews its lease and is answered with the lease's TTL. */
export function serveKeepAlive(s: EtcdServer, forwarder: LeaderForwarder, call: KeepAliveCall): void {
  // Async, so that an unknown lease on the leader rejects as the follower's relay does.
  const keepAlive = async (id: bigint): Promise<number> => (s.leaderId === s.id ? s.kv.leaseRenew(id) : forwarder.keepAlive(id));
  // etcd's client asks for a leader on this stream (see require-leader.ts).
  let ended = false;
  const leader = guardStreamLeader(s, call, () => void (ended = true));
  if (!leader.open) return;
  call.on('data', (request: pb.LeaseKeepAliveRequest) => {
    if (ended) return;
    // As etcd: an unknown lease is TTL 0; any other failure (no leader, a timeout) ends the stream.
    keepAlive(toBigInt(request.ID)).then(
      (ttl) => call.write({ header: s.header(), ID: request.ID, TTL: ttl }),
      (err: unknown) => (isError(err, Errors.leaseNotFound) ? call.write({ header: s.header(), ID: request.ID, TTL: 0 }) : call.emit('error', toServiceError(err))),
    );
  });
  call.on('end', () => {
    leader.stop();
    call.end();
  });
  call.on('error', leader.stop);
  call.on('cancelled', leader.stop);
}

export function leaseService(s: EtcdServer, forwarder: LeaderForwarder): Implementation<pb.LeaseMethods> {
  return {
    LeaseGrant: unary(async (call) => {
      const ttl = toNumber(call.request.TTL);
      if (ttl > MAX_LEASE_TTL_SECONDS) throw Errors.leaseTtlTooLarge();
      let id = toBigInt(call.request.ID);
      // etcd picks a positive int63 for ID 0; here at random, so members never collide.
      if (id === 0n) id = randomBytes(8).readBigUInt64BE() & ((1n << 63n) - 1n);
      // As in etcd 3.4, granting a lease takes no permission (a token given must be valid).
      const caller = await callerOf(s, call);
      const outcome = await s.propose({ lease_grant: { ID: int64(id), TTL: ttl }, auth: authHeader(caller) }, call);
      const granted = outcome.result as { id: bigint; ttl: number };
      return { header: s.header(outcome.revision), ID: int64(granted.id), TTL: granted.ttl };
    }),
    LeaseRevoke: unary(async (call) => {
      const caller = await callerOf(s, call);
      const outcome = await s.propose({ lease_revoke: { ID: call.request.ID }, auth: authHeader(caller) }, call);
      return { header: s.header(outcome.revision) };
    }),
    LeaseKeepAlive: (call: KeepAliveCall) => serveKeepAlive(s, forwarder, call),
    LeaseTimeToLive: unary(async (call) => {
      const id = toBigInt(call.request.ID);
      if (s.leaderId !== s.id) return forwarder.timeToLive(call.request);
      const ttl = s.kv.leaseTimeToLive(id);
      if (!ttl) return { header: s.header(), ID: call.request.ID, TTL: -1, grantedTTL: 0, keys: [] };
      const keys = call.request.keys ? ttl.keys.map((k) => Buffer.from(k, 'latin1')) : [];
      return { header: s.header(), ID: call.request.ID, TTL: ttl.ttl, grantedTTL: ttl.grantedTtl, keys };
    }),
    LeaseLeases: unary(async () => {
      await s.linearizableRead();
      return { header: s.header(), leases: s.kv.leaseIds().map((id) => ({ ID: int64(id) })) };
    }),
  };
}
