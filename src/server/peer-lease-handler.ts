// The leader's side of the calls a follower relays over the peer link, on the paths and with the bodies of
// etcd's peer handler: POST /leases (a LeaseKeepAliveRequest, answered with a LeaseKeepAliveResponse),
// POST /leases/internal (a LeaseInternalRequest, answered with a LeaseInternalResponse) and
// POST /members/promote/<decimal id> (answered with the member list). Status codes carry the errors a
// follower tells apart: 404 lease or member not found, 412 not promotable, anything else "try again".

import { EtcdError, Errors } from '../etcd-errors.js';
import { int64, toBigInt } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import type { KvFacade } from './kv-facade.js';
import { promoteLearner, type PromotingMember } from './learner-promotion.js';
import { textResponse, type PeerHttpResponse } from './peer-http.js';
import { messageType } from '../wire/proto.js';
import type { PeerRequestHandler } from './transport.js';

export const LEASE_PATH = '/leases';
export const LEASE_INTERNAL_PATH = '/leases/internal';
export const PROMOTE_PATH = '/members/promote/';
export const PROTOBUF_CONTENT_TYPE = 'application/protobuf';

/** How long a lease call waits for this member to apply what is committed (etcd's applyTimeout). */
const APPLY_WAIT_MS = 1000;

const KeepAliveRequest = messageType('etcdserverpb.LeaseKeepAliveRequest');
const KeepAliveResponse = messageType('etcdserverpb.LeaseKeepAliveResponse');
const LeaseInternalRequest = messageType('leasepb.LeaseInternalRequest');
const LeaseTimeToLiveRequest = messageType('etcdserverpb.LeaseTimeToLiveRequest');
const LeaseInternalResponse = messageType('leasepb.LeaseInternalResponse');

/** etcd's lease and membership error texts, as its peer handler writes them. */
const LEASE_NOT_FOUND = 'lease not found';
const NOT_PRIMARY = 'not a primary lessor';
const MEMBER_ID_NOT_FOUND = 'membership: ID not found';
export const MEMBER_NOT_LEARNER = 'membership: can only promote a learner member';

/** What the handler needs of the leader (the server, without importing it). */
export interface LeaseRelayLeader extends PromotingMember {
  readonly kv: KvFacade;
  readonly raftStatus: { readonly commitIndex: number };
  waitApplied(index: number): Promise<void>;
}

/** A relayed lease call; a time-to-live wrapper without a request asks about lease 0 (unknown), as an empty one. */
type Relayed = { readonly keepAlive: pb.LeaseKeepAliveRequest } | { readonly timeToLive: pb.LeaseTimeToLiveRequest };
const EMPTY = new Uint8Array(0);

export function peerLeaseHandler(server: LeaseRelayLeader, membersJson: () => string): PeerRequestHandler {
  return async (request) => {
    const isLease = request.path === LEASE_PATH || request.path === LEASE_INTERNAL_PATH;
    if (!isLease && !request.path.startsWith(PROMOTE_PATH)) return textResponse(404, '404 page not found');
    if (request.method !== 'POST') return textResponse(405, 'Method Not Allowed');
    if (!isLease) return promote(server, request.path.slice(PROMOTE_PATH.length), membersJson);
    let relayed: Relayed;
    try {
      relayed =
        request.path === LEASE_PATH
          ? { keepAlive: KeepAliveRequest.decode(request.body) }
          : { timeToLive: LeaseInternalRequest.decode(request.body).LeaseTimeToLiveRequest ?? LeaseTimeToLiveRequest.decode(EMPTY) };
    } catch {
      return textResponse(400, 'error unmarshalling request');
    }
    if (!(await caughtUp(server))) return textResponse(408, 'waiting for node to catch up its applied index has timed out');
    // A member that stopped leading since the follower looked: the follower asks again, the new leader.
    if (server.leaderId !== server.id) return textResponse(400, NOT_PRIMARY);
    return 'keepAlive' in relayed ? keepAlive(server, relayed.keepAlive) : timeToLive(server, relayed.timeToLive);
  };
}

/** Whether this member applied everything committed when the call came, within APPLY_WAIT_MS. */
async function caughtUp(server: LeaseRelayLeader): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), APPLY_WAIT_MS)));
  const applied = server.waitApplied(server.raftStatus.commitIndex).then(() => true as const);
  const result = await Promise.race([applied, timedOut]);
  clearTimeout(timer);
  return result;
}

function keepAlive(server: LeaseRelayLeader, request: pb.LeaseKeepAliveRequest): PeerHttpResponse {
  try {
    const ttl = server.kv.leaseRenew(toBigInt(request.ID));
    return protobufResponse(KeepAliveResponse.encode({ ID: request.ID, TTL: ttl }).finish());
  } catch (err) {
    if (isError(err, Errors.leaseNotFound)) return textResponse(404, LEASE_NOT_FOUND);
    throw err;
  }
}

function timeToLive(server: LeaseRelayLeader, request: pb.LeaseTimeToLiveRequest): PeerHttpResponse {
  const lease = server.kv.leaseTimeToLive(toBigInt(request.ID));
  if (!lease) return textResponse(404, LEASE_NOT_FOUND);
  const keys = request.keys ? lease.keys.map((k) => Buffer.from(k, 'latin1')) : [];
  const answer = { header: {}, ID: int64(toBigInt(request.ID)), TTL: lease.ttl, grantedTTL: lease.grantedTtl, keys };
  return protobufResponse(LeaseInternalResponse.encode({ LeaseTimeToLiveResponse: answer }).finish());
}

function protobufResponse(body: Uint8Array): PeerHttpResponse {
  return { status: 200, contentType: PROTOBUF_CONTENT_TYPE, body };
}

async function promote(server: LeaseRelayLeader, idText: string, membersJson: () => string): Promise<PeerHttpResponse> {
  if (!/^\d+$/.test(idText)) return textResponse(404, `member ${idText} not found in cluster`);
  try {
    await promoteLearner(server, BigInt(idText));
    return { status: 200, contentType: 'application/json', body: membersJson() };
  } catch (err) {
    if (isError(err, Errors.memberNotFound)) return textResponse(404, MEMBER_ID_NOT_FOUND);
    if (isError(err, Errors.memberNotLearner)) return textResponse(412, MEMBER_NOT_LEARNER);
    // etcd's own text, which the follower recognises; anything else (not leader) it retries.
    if (isError(err, Errors.learnerNotReady)) return textResponse(412, Errors.learnerNotReady().message);
    throw err;
  }
}

export function isError(err: unknown, kind: () => EtcdError): boolean {
  return err instanceof EtcdError && err.message === kind().message;
}
