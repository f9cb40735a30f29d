// Lease keep-alives and time-to-live are the leader's to answer (only its lessor tracks expiry), and so
// is promoting a learner (only the leader knows how far the learner's log is). A follower relays them to
// the leader over the peer link, as etcd does: POST to the leader's peer URL with this member's peer TLS,
// so neither the client URLs' certificates nor whether members can reach each other's client URLs
// matter. A call the leader cannot answer now (it stopped leading, or is unreachable) is retried, against
// whoever leads then, until etcd's request timeout.

import { EtcdError, Errors, GrpcCode } from '../etcd-errors.js';
import { int64, toBigInt, toNumber, toUint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { requestTimeoutMs } from '../server/server-config.js';
import { peerRequest, type PeerHttpAnswer } from '../server/peer-http.js';
import {
  LEASE_INTERNAL_PATH,
  LEASE_PATH,
  MEMBER_NOT_LEARNER,
  PROMOTE_PATH,
  PROTOBUF_CONTENT_TYPE,
} from '../server/peer-lease-handler.js';
import { messageType } from '../wire/proto.js';
import { dialAddressFor } from '../server/transport.js';

const KeepAliveRequest = messageType('etcdserverpb.LeaseKeepAliveRequest');
const KeepAliveResponse = messageType('etcdserverpb.LeaseKeepAliveResponse');
const LeaseInternalRequest = messageType('leasepb.LeaseInternalRequest');
const LeaseInternalResponse = messageType('leasepb.LeaseInternalResponse');

/** Between rounds of asking the leader, as etcd throttles (connection problems, a leader change). */
const RETRY_PAUSE_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the leader's answer means: a result, an error to give the client, or undefined to ask again. */
type Interpret<T> = (answer: PeerHttpAnswer) => T | undefined;

export class LeaderForwarder {
  /** Peers see this member's calls come from its peer address, as its raft traffic does. */
  private readonly localAddress: string | undefined;
  private closed = false;

  constructor(private readonly server: EtcdServer) {
    const peerUrl = server.config.listenPeerUrls[0];
    this.localAddress = peerUrl === undefined ? undefined : dialAddressFor(peerUrl);
  }

  /** The lease's TTL once the leader renewed it; etcd's "requested lease not found" when it has none. */
  keepAlive(id: bigint): Promise<number> {
    const body = KeepAliveRequest.encode({ ID: int64(id) }).finish();
    return this.relay(LEASE_PATH, body, (answer) => {
      if (answer.status === 404) throw Errors.leaseNotFound();
      if (answer.status !== 200) return undefined;
      return toNumber(KeepAliveResponse.decode(answer.body).TTL);
    });
  }

  /** The leader's LeaseTimeToLive answer under this member's header; TTL -1 for a lease it does not know, as etcd. */
  timeToLive(request: pb.LeaseTimeToLiveRequest): Promise<pb.LeaseTimeToLiveResponseInit> {
    const body = LeaseInternalRequest.encode({ LeaseTimeToLiveRequest: { ID: request.ID, keys: request.keys } }).finish();
    return this.relay(LEASE_INTERNAL_PATH, body, (answer) => {
      if (answer.status === 404) return { header: this.server.header(), ID: request.ID, TTL: -1, grantedTTL: 0, keys: [] };
      if (answer.status !== 200) return undefined;
      const inner = LeaseInternalResponse.decode(answer.body).LeaseTimeToLiveResponse;
      return { ...inner, ID: int64(toBigInt(inner?.ID)), header: this.server.header() };
    });
  }

  /**
   * Has the leader promote a learner; resolves once this member has applied the promotion too (a
   * linearizable read), so the member list it answers with shows it.
   */
  async promote(request: pb.MemberPromoteRequest): Promise<void> {
    const path = `${PROMOTE_PATH}${toUint64(request.ID).toString(10)}`;
    await this.relay(path, undefined, (answer) => {
      const text = answer.body.toString('utf8');
      if (answer.status === 404) throw Errors.memberNotFound();
      if (answer.status === 412) throw promotionRefusal(text);
      return answer.status === 200 ? true : undefined;
    });
    await this.server.linearizableRead();
  }

  private async relay<T>(path: string, body: Uint8Array | undefined, interpret: Interpret<T>): Promise<T> {
    const config = this.server.config;
    const deadline = Date.now() + requestTimeoutMs(config);
    while (Date.now() < deadline) {
      if (this.closed) throw Errors.stopped();
      for (const url of await this.leaderPeerUrls(deadline)) {
        let answer: PeerHttpAnswer;
        try {
          const timeoutMs = Math.max(1, deadline - Date.now());
          answer = await peerRequest(`${url}${path}`, { method: 'POST', body, contentType: PROTOBUF_CONTENT_TYPE, tls: config.peerTls, localAddress: this.localAddress, timeoutMs });
        } catch {
          continue;
        }
        const result = interpret(answer);
        if (result !== undefined) return result;
      }
      await sleep(RETRY_PAUSE_MS);
    }
    throw Errors.timeout();
  }

  /** Calls still being relayed give up (etcd's "server stopped") instead of retrying to the deadline. */
  close(): void {
    this.closed = true;
  }

  /** The leader's peer URLs, waiting out an election (as etcd's waitLeader); "no leader" past the deadline. */
  private async leaderPeerUrls(deadline: number): Promise<readonly string[]> {
    for (;;) {
      const leader = this.server.members.get(this.server.leaderId);
      if (leader && leader.peerUrls.length > 0) return leader.peerUrls;
      const left = deadline - Date.now();
      if (left <= 0) throw Errors.noLeader();
      if (this.closed) throw Errors.stopped();
      await sleep(Math.min(left, this.server.config.electionTimeoutMs));
    }
  }
}

/** A 412 from the leader's promote handler, told apart by its text as etcd's promoteMemberHTTP does. */
function promotionRefusal(text: string): EtcdError {
  if (text.includes(Errors.learnerNotReady().message)) return Errors.learnerNotReady();
  if (text.includes(MEMBER_NOT_LEARNER)) return Errors.memberNotLearner();
  return new EtcdError(GrpcCode.Unknown, `member promote: unknown error(${text})`);
}
