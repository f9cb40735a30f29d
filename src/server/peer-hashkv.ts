// A member's keyspace hash at a revision, asked of its peers over the peer link as etcd does for its
// corruption checks: GET /members/hashkv with a JSON HashKVRequest body, answered with a JSON
// HashKVResponse (Go's encoding/json of the protobuf structs: snake_case names, zero fields omitted), or
// 400 with mvcc's error text when the revision is compacted or not reached yet.

import { EtcdError, Errors, errorText } from '../etcd-errors.js';
import type { NodeId } from '../raft/index.js';
import type { KvFacade } from './kv-facade.js';
import type { Member } from './members.js';
import { peerRequest, textResponse, type PeerHttpResponse } from './peer-http.js';
import { requestTimeoutMs, type ServerConfig } from './server-config.js';
import { dialAddressFor, type PeerRequestHandler } from './transport.js';

export const HASHKV_PATH = '/members/hashkv';

/** etcd's mvcc error texts, which its peer handler writes without the "etcdserver: " of the gRPC errors. */
const COMPACTED = 'mvcc: required revision has been compacted';
const FUTURE_REV = 'mvcc: required revision is a future revision';

export interface PeerHash {
  /** The peer's current revision (HashByRev answers with it, not the revision asked for). */
  readonly revision: number;
  readonly hash: number;
  readonly compactRevision: number;
}

/** What asking one peer gave: its hash, or why there is none. */
export type PeerHashResult = { readonly member: Member } & ({ readonly hash: PeerHash } | { readonly error: string });

/** Answers GET /members/hashkv; other requests go on to `next`. */
export function peerHashKvHandler(kv: KvFacade, next: PeerRequestHandler): PeerRequestHandler {
  return async (request) => {
    if (request.path !== HASHKV_PATH) return next(request);
    if (request.method !== 'GET') return textResponse(405, 'Method Not Allowed');
    let revision: number;
    try {
      const body = (request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'))) as { revision?: unknown };
      revision = Number(body.revision ?? 0);
      if (!Number.isSafeInteger(revision)) throw new Error('revision is not an integer');
    } catch {
      return textResponse(400, 'error unmarshalling request');
    }
    return hashKvResponse(kv, revision);
  };
}

function hashKvResponse(kv: KvFacade, revision: number): PeerHttpResponse {
  try {
    const { hash, compactRevision, revision: current } = kv.hashKv(revision);
    const answer = { header: { revision: current }, ...(hash !== 0 ? { hash: hash >>> 0 } : {}), ...(compactRevision !== 0 ? { compact_revision: compactRevision } : {}) };
    return { status: 200, contentType: 'application/json', body: JSON.stringify(answer) };
  } catch (err) {
    if (!(err instanceof EtcdError)) throw err;
    if (err.message === Errors.compacted().message) return textResponse(400, COMPACTED);
    if (err.message === Errors.futureRev().message) return textResponse(400, FUTURE_REV);
    return textResponse(400, err.message);
  }
}

/** Asks every other member for its hash at `revision`, each of its peer URLs in turn (etcd's getPeerHashKVs). */
export async function peerHashes(config: ServerConfig, self: NodeId, members: readonly Member[], revision: number): Promise<PeerHashResult[]> {
  const others = members.filter((m) => m.id !== self && m.peerUrls.length > 0);
  return Promise.all(others.map((member) => askMember(config, member, revision)));
}

async function askMember(config: ServerConfig, member: Member, revision: number): Promise<PeerHashResult> {
  let lastError = 'no peer URL answered';
  for (const url of member.peerUrls) {
    try {
      return { member, hash: await askUrl(config, url, revision) };
    } catch (err) {
      lastError = errorText(err);
      config.log('warn', 'failed hash kv request', { 'remote-peer-id': member.id.toString(16), 'remote-peer-endpoint': url, error: lastError });
    }
  }
  return { member, error: lastError };
}

async function askUrl(config: ServerConfig, url: string, revision: number): Promise<PeerHash> {
  const listen = config.listenPeerUrls[0];
  const answer = await peerRequest(`${url.replace(/\/$/, '')}${HASHKV_PATH}`, {
    method: 'GET',
    body: Buffer.from(JSON.stringify(revision !== 0 ? { revision } : {})),
    contentType: 'application/json',
    tls: config.peerTls,
    localAddress: listen === undefined ? undefined : dialAddressFor(listen),
    timeoutMs: requestTimeoutMs(config),
  });
  const text = answer.body.toString('utf8');
  if (answer.status === 400 && text.includes(COMPACTED)) throw new Error('compacted');
  if (answer.status === 400 && text.includes(FUTURE_REV)) throw new Error('future revision');
  if (answer.status !== 200) throw new Error(`unknown error: ${text.trim()}`);
  const body = JSON.parse(text) as { header?: { revision?: number }; hash?: number; compact_revision?: number };
  return { revision: body.header?.revision ?? 0, hash: body.hash ?? 0, compactRevision: body.compact_revision ?? 0 };
}
