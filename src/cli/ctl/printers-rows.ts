// The rows that the simple format prints as comma-separated lines and the table format as a table:
// member list, endpoint status, health and hashkv.

import type * as pb from '../../wire/messages.js';
import { hexId, humanBytes, int64Text } from './gofmt.js';
import type { EndpointHealth, EndpointResult } from './printers.js';

export function memberRows(r: pb.MemberListResponse): string[][] {
  return r.members.map((m) => [
    hexId(m.ID),
    m.name ? 'started' : 'unstarted',
    m.name,
    m.peerURLs.join(','),
    m.clientURLs.join(','),
    String(m.isLearner),
  ]);
}

export function statusRows(list: readonly EndpointResult<pb.StatusResponse>[]): string[][] {
  return list.map(({ ep, resp }) => [
    ep,
    hexId(resp.header?.member_id),
    resp.version ?? '',
    humanBytes(Number(int64Text(resp.dbSize))),
    String(int64Text(resp.leader) === int64Text(resp.header?.member_id)),
    String(Boolean(resp.isLearner)),
    int64Text(resp.raftTerm),
    int64Text(resp.raftIndex),
    int64Text(resp.raftAppliedIndex),
    ((resp.errors ?? []) as string[]).join(', '),
  ]);
}

export const MEMBER_HEADER = ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'];
export const STATUS_HEADER = ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];

export function healthRows(list: readonly EndpointHealth[]): string[][] {
  return list.map((h) => [h.ep, String(h.health), h.took, h.error]);
}

export function hashRows(list: readonly EndpointResult<pb.HashKVResponse>[]): string[][] {
  return list.map(({ ep, resp }) => [ep, int64Text(resp.hash)]);
}
