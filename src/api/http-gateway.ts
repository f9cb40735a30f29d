// HTTP/1.1 on the client URLs, next to gRPC, as etcd serves it: /health, /version, /metrics
// (Prometheus text, etcd's metric names) and the JSON gateway /v3/* (also /v3beta/*), which maps each
// POST to the same handler as the gRPC method and speaks proto3 JSON (int64 as strings, bytes as base64,
// enums by name, defaults omitted).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { EtcdError, GrpcCode } from '../etcd-errors.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { messageType, protoRoot } from '../wire/proto.js';
import type * as pb from '../wire/messages.js';
import { AlarmType } from '../server/state-machine.js';
import type { Unary } from './unary-call.js';
import { serveWatch } from './watch-service.js';
import { EventEmitter } from 'node:events';
import { authContextOfConnection } from './client-identity.js';
import { POOL_AFTER_SLOW_MS, POOL_FROM_ENTRIES, SLOW_SYNC_MS, walFsyncDurations } from '../storage/wal/sync-placement.js';

/** Gateway path (after /v3 or /v3beta) → gRPC method. */
const ROUTES: Record<string, string> = {
  '/kv/range': 'etcdserverpb.KV/Range',
  '/kv/put': 'etcdserverpb.KV/Put',
  '/kv/deleterange': 'etcdserverpb.KV/DeleteRange',
  '/kv/txn': 'etcdserverpb.KV/Txn',
  '/kv/compaction': 'etcdserverpb.KV/Compact',
  '/lease/grant': 'etcdserverpb.Lease/LeaseGrant',
  '/lease/revoke': 'etcdserverpb.Lease/LeaseRevoke',
  '/kv/lease/revoke': 'etcdserverpb.Lease/LeaseRevoke',
  '/lease/timetolive': 'etcdserverpb.Lease/LeaseTimeToLive',
  '/kv/lease/timetolive': 'etcdserverpb.Lease/LeaseTimeToLive',
  '/lease/leases': 'etcdserverpb.Lease/LeaseLeases',
  '/kv/lease/leases': 'etcdserverpb.Lease/LeaseLeases',
  '/cluster/member/add': 'etcdserverpb.Cluster/MemberAdd',
  '/cluster/member/remove': 'etcdserverpb.Cluster/MemberRemove',
  '/cluster/member/list': 'etcdserverpb.Cluster/MemberList',
  '/cluster/member/promote': 'etcdserverpb.Cluster/MemberPromote',
  '/maintenance/alarm': 'etcdserverpb.Maintenance/Alarm',
  '/maintenance/status': 'etcdserverpb.Maintenance/Status',
  '/maintenance/defragment': 'etcdserverpb.Maintenance/Defragment',
  '/maintenance/hash': 'etcdserverpb.Maintenance/Hash',
  '/maintenance/hashkv': 'etcdserverpb.Maintenance/HashKV',
  '/maintenance/transfer-leadership': 'etcdserverpb.Maintenance/MoveLeader',
  '/auth/enable': 'etcdserverpb.Auth/AuthEnable',
  '/auth/disable': 'etcdserverpb.Auth/AuthDisable',
  '/auth/status': 'etcdserverpb.Auth/AuthStatus',
  '/auth/authenticate': 'etcdserverpb.Auth/Authenticate',
  '/auth/user/add': 'etcdserverpb.Auth/UserAdd',
  '/auth/user/get': 'etcdserverpb.Auth/UserGet',
  '/auth/user/list': 'etcdserverpb.Auth/UserList',
  '/auth/user/delete': 'etcdserverpb.Auth/UserDelete',
  '/auth/user/changepw': 'etcdserverpb.Auth/UserChangePassword',
  '/auth/user/grant': 'etcdserverpb.Auth/UserGrantRole',
  '/auth/user/revoke': 'etcdserverpb.Auth/UserRevokeRole',
  '/auth/role/add': 'etcdserverpb.Auth/RoleAdd',
  '/auth/role/get': 'etcdserverpb.Auth/RoleGet',
  '/auth/role/list': 'etcdserverpb.Auth/RoleList',
  '/auth/role/delete': 'etcdserverpb.Auth/RoleDelete',
  '/auth/role/grant': 'etcdserverpb.Auth/RoleGrantPermission',
  '/auth/role/revoke': 'etcdserverpb.Auth/RoleRevokePermission',
};

/** Alarm names as etcd prints them. */
const ALARM_NAMES: Record<AlarmType, string> = { [AlarmType.None]: 'NONE', [AlarmType.NoSpace]: 'NOSPACE', [AlarmType.Corrupt]: 'CORRUPT' };

/** The gateway passes the Authorization header on as the call's auth token. */
function tokenMetadata(req: IncomingMessage): { get(key: string): string[] } {
  const token = req.headers.authorization;
  return { get: (key) => (key === 'token' && token !== undefined && token.length > 0 ? [token] : []) };
}

/** How grpc-gateway turns a gRPC code into an HTTP status. */
const HTTP_STATUS: Partial<Record<GrpcCode, number>> = {
  [GrpcCode.Canceled]: 408,
  [GrpcCode.InvalidArgument]: 400,
  [GrpcCode.DeadlineExceeded]: 504,
  [GrpcCode.NotFound]: 404,
  [GrpcCode.AlreadyExists]: 409,
  [GrpcCode.PermissionDenied]: 403,
  [GrpcCode.ResourceExhausted]: 429,
  [GrpcCode.FailedPrecondition]: 400,
  [GrpcCode.Aborted]: 409,
  [GrpcCode.OutOfRange]: 400,
  [GrpcCode.Unimplemented]: 501,
  [GrpcCode.Unavailable]: 503,
  [GrpcCode.Unauthenticated]: 401,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function httpHandler(server: EtcdServer, handlers: ReadonlyMap<string, Unary>, version: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void route(req, res).catch((err: unknown) => {
      const code = err instanceof EtcdError ? err.code : GrpcCode.Unknown;
      const message = err instanceof Error ? err.message : String(err);
      json(res, HTTP_STATUS[code] ?? 500, { error: message, message, code });
    });
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health') {
      // As etcd 3.4: any active alarm (NOSPACE, CORRUPT) makes the member unhealthy, then having no leader;
      // an unhealthy answer is written as Go's http.Error writes it (a newline after the JSON).
      const alarms = server.kv.alarms();
      for (const a of alarms) server.config.log('warn', '/health error due to an alarm', { alarm: `memberID:${a.memberId} alarm:${ALARM_NAMES[a.alarm]}` });
      if (alarms.length > 0 || server.leaderId === 0n) {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end('{"health":"false"}\n');
      } else json(res, 200, { health: 'true' });
      return;
    }
    if (path === '/version') {
      json(res, 200, { etcdserver: version, etcdcluster: `${version.split('.').slice(0, 2).join('.')}.0` });
      return;
    }
    if (path === '/metrics') {
      const text = await metrics(server);
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(text);
      return;
    }
    if (/^\/v3(?:beta)?\/watch$/.test(path) && req.method === 'POST') {
      await watchOverHttp(server, req, res);
      return;
    }
    const match = /^\/v3(?:beta)?(\/.*)$/.exec(path);
    const method = match ? ROUTES[match[1]!] : undefined;
    const handler = method ? handlers.get(method) : undefined;
    if (!method || !handler || req.method !== 'POST') {
      json(res, 404, { error: 'Not Found', message: 'Not Found', code: GrpcCode.Unimplemented });
      return;
    }
    const service = protoRoot.lookupService(method.split('/')[0]!);
    const rpc = service.methods[method.split('/')[1]!]!;
    rpc.resolve();
    const body = await readBody(req);
    const request = rpc.resolvedRequestType!.fromObject(body.trim().length > 0 ? (JSON.parse(body) as Record<string, unknown>) : {});
    const response = await handler({
      request,
      metadata: tokenMetadata(req),
      getAuthContext: () => authContextOfConnection(req.socket),
      // A client that went away is not waited for (a write held for a leader is then dropped).
      get ended() {
        return res.writableEnded || req.socket.destroyed;
      },
    });
    const responseType = rpc.resolvedResponseType!;
    json(res, 200, responseType.toObject(responseType.fromObject(response as Record<string, unknown>), { longs: String, enums: String, bytes: String }));
  }
}

/**
 * The gateway's watch: the body is one WatchRequest; the reply streams each WatchResponse as a line of
 * JSON wrapped in {"result": …}, until the client goes away.
 */
async function watchOverHttp(server: EtcdServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestType = messageType('etcdserverpb.WatchRequest');
  const responseType = messageType('etcdserverpb.WatchResponse');
  const body = await readBody(req);
  const request = requestType.fromObject(body.trim().length > 0 ? (JSON.parse(body) as Record<string, unknown>) : {});
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const call = Object.assign(new EventEmitter(), {
    metadata: tokenMetadata(req),
    getAuthContext: () => authContextOfConnection(req.socket),
    write: (response: pb.WatchResponseInit | Uint8Array): boolean => {
      const message = response instanceof Uint8Array ? responseType.decode(response) : responseType.fromObject(response);
      const json = responseType.toObject(message, { longs: String, enums: String, bytes: String });
      return res.write(`${JSON.stringify({ result: json })}\n`);
    },
    end: () => res.end(),
  });
  res.on('drain', () => call.emit('drain'));
  req.socket.once('close', () => call.emit('end'));
  serveWatch(server, call);
  call.emit('data', request);
}

async function metrics(server: EtcdServer): Promise<string> {
  const counters = server.counters;
  const memory = process.memoryUsage();
  const lines = [
    ['etcd_server_has_leader', 'gauge', 'Whether or not a leader exists. 1 is existence, 0 is not.', server.leaderId !== 0n ? 1 : 0],
    ['etcd_server_is_leader', 'gauge', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', server.leaderId === server.id ? 1 : 0],
    ['etcd_server_is_learner', 'gauge', 'Whether or not this member is a learner. 1 if is, 0 otherwise.', server.isLearner ? 1 : 0],
    ['etcd_server_leader_changes_seen_total', 'counter', 'The number of leader changes seen.', counters.leaderChanges],
    ['etcd_server_proposals_committed_total', 'gauge', 'The total number of consensus proposals committed.', server.raftStatus.commitIndex],
    ['etcd_server_proposals_applied_total', 'gauge', 'The total number of consensus proposals applied.', server.raftStatus.appliedIndex],
    ['etcd_server_proposals_pending', 'gauge', 'The current number of pending proposals to commit.', counters.pendingProposals],
    ['etcd_server_proposals_failed_total', 'counter', 'The total number of failed proposals seen.', counters.failedProposals],
    ['barge_server_read_index_rounds_total', 'counter', 'ReadIndex rounds this member started for linearizable reads (concurrent reads share one).', counters.readIndexRounds],
    ['barge_raft_log_entries_read_back_total', 'counter', 'Log entries read back from the WAL for followers behind what the in-memory log keeps.', counters.wal.entriesReadBack],
    ['barge_disk_wal_slow_fsyncs_total', 'counter', `WAL fdatasyncs that took ${SLOW_SYNC_MS} ms or more.`, counters.wal.slowSyncs],
    ['barge_disk_wal_pooled_fsyncs_total', 'counter', `WAL fdatasyncs run in libuv's thread pool (a write of ${POOL_FROM_ENTRIES} entries or more, or within ${POOL_AFTER_SLOW_MS / 1000} s of a slow sync); the rest run on the member's thread.`, counters.wal.pooledSyncs],
    ['etcd_mvcc_db_total_size_in_bytes', 'gauge', 'Total size of the underlying database physically allocated in bytes.', await server.dbSize()],
    ['etcd_debugging_mvcc_keys_total', 'gauge', 'Total number of keys.', server.kv.stats.keyCount],
    ['etcd_debugging_mvcc_current_revision', 'gauge', 'The current revision of store.', server.kv.stats.currentRevision],
    ['etcd_debugging_mvcc_compact_revision', 'gauge', 'The revision of the last compaction in store.', server.kv.stats.compactRevision],
    ['etcd_debugging_mvcc_watcher_total', 'gauge', 'Total number of watchers.', server.kv.stats.watcherCount],
    ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', memory.rss],
    // Named as Node's usual Prometheus exporter names them; they tell a live heap from garbage and buffers.
    ['nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', memory.heapTotal],
    ['nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', memory.heapUsed],
    ['nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', memory.external],
  ] as const;
  const fsyncs = ['# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.', '# TYPE etcd_disk_wal_fsync_duration_seconds histogram', ...walFsyncDurations.render('etcd_disk_wal_fsync_duration_seconds')];
  return lines.map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`).join('') + `${fsyncs.join('\n')}\n`;
}
