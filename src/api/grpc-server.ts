// etcd's v3 gRPC API on the client URLs: KV, Watch, Lease, Cluster, Maintenance and grpc.health.v1,
// answering with etcd's headers and errors (gRPC code and exact message).

import * as grpc from '@grpc/grpc-js';
import { checkRange, checkTxn } from '../auth/index.js';
import { EtcdError, Errors, GrpcCode, unmappedAuthError } from '../etcd-errors.js';
import { MAX_LEASE_TTL_SECONDS } from '../lease/index.js';
import { ConfChangeType } from '../raft/index.js';
import { memberIdOf, type Member } from '../server/members.js';
import {
  deleteRangeResponseToPb,
  putResponseToPb,
  rangeRequestFromPb,
  rangeResponseToPb,
  toBigInt,
  toNumber,
  toUint64,
  txnRequestFromPb,
  txnResponseToPb,
  uint64,
  int64,
} from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { EtcdServer } from '../server/etcd-server.js';
import { authHeader } from '../server/client-auth.js';
import type { Alarm } from '../server/state-machine.js';
import { encodeMemberAttributes } from '../server/member-codec.js';
import { serviceDefinition } from '../wire/proto.js';
import { authHandlers } from './auth-service.js';
import { LeaderForwarder } from './leader-forwarder.js';
import { promoteLearner } from '../server/learner-promotion.js';
import { isError } from '../server/peer-lease-handler.js';
import { serveWatch } from './watch-service.js';
import type { DeleteRangeResponse, PutResponse, RequestOp, TxnRequest, TxnResponse } from '../mvcc/index.js';
import type { KvWrite } from '../server/internal-request.js';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Duplex } from 'node:stream';
import { httpHandler } from './http-gateway.js';
import { withHttpAccess, type HttpAccess } from './http-access.js';
import { checkedTlsServer, isHttps } from '../server/tls.js';
import { attachAuthContext, callerOf } from './client-identity.js';
import type { AnyRpc, Unary, UnaryCall, UnaryHandlers } from './unary-call.js';
import { Http2Front } from './http2-connection.js';

export type { Unary, UnaryCall } from './unary-call.js';

const ALARM_NAMES = ['NONE', 'NOSPACE', 'CORRUPT'];

/** The version Status reports: the etcd release whose API and behaviour Barge follows. */
export const ETCD_API_VERSION = '3.4.23';

/**
 * A unary handler; it reads only `call.request`, `call.metadata` and `call.getAuthContext()`, so the JSON
 * gateway can call it too. `callerOf(server, call)` (client-identity.ts) says who the call comes from.
 */
const RAW = Symbol('unary handler');

function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof EtcdError) return { code: err.code as number, details: err.message };
  return { code: GrpcCode.Unknown as number, details: err instanceof Error ? err.message : String(err) };
}

type UnaryHandler<M extends AnyRpc> = grpc.handleUnaryCall<M['request'], M['responseInit']> & { [RAW]: Unary<M> };

/** How one method is served: unary through unary(), streams by grpc-js handlers (a response may be pre-encoded bytes). */
type Served<M extends AnyRpc> =
  | UnaryHandler<M>
  | grpc.handleServerStreamingCall<M['request'], M['responseInit'] | Uint8Array>
  | grpc.handleBidiStreamingCall<M['request'], M['responseInit'] | Uint8Array>;

type Implementation<Methods> = { [K in keyof Methods]: Methods[K] extends AnyRpc ? Served<Methods[K]> : never };

function unary<M extends AnyRpc>(handler: Unary<M>): UnaryHandler<M> {
  const grpcHandler: grpc.handleUnaryCall<M['request'], M['responseInit']> = (call, callback) => {
    handler(call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err) as grpc.ServiceError),
    );
  };
  return Object.assign(grpcHandler, { [RAW]: handler });
}

/** A service whose methods are all unary, served from plain handlers. */
function unaryService<Methods>(handlers: UnaryHandlers<Methods>): Implementation<Methods> {
  const served = Object.entries(handlers as unknown as Record<string, Unary>).map(([name, handler]) => [name, unary(handler)]);
  return Object.fromEntries(served) as Implementation<Methods>;
}

function isReadOnly(txn: TxnRequest): boolean {
  const ops = (list?: RequestOp[]): boolean => (list ?? []).every((op) => op.requestRange !== undefined || (op.requestTxn !== undefined && isReadOnly(op.requestTxn)));
  return ops(txn.success) && ops(txn.failure);
}

function memberToPb(m: Member): pb.MemberInit {
  return { ID: uint64(m.id), name: m.name, peerURLs: [...m.peerUrls], clientURLs: [...m.clientUrls], isLearner: m.isLearner };
}

/** How the client URLs are served beyond the server's own config (barge's flags). */
export interface ClientApiOptions {
  /** grpc-js server options: stream limits and keepalive pings (--max-concurrent-streams, --grpc-keepalive-*). */
  readonly grpc?: grpc.ServerOptions;
  /** --cors and --host-whitelist for HTTP requests. */
  readonly httpAccess?: HttpAccess;
}

export class ClientApi {
  private readonly grpcServer: grpc.Server;
  private readonly forwarder: LeaderForwarder;

  constructor(
    private readonly server: EtcdServer,
    private readonly options: ClientApiOptions = {},
  ) {
    this.grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1, ...options.grpc });
    this.forwarder = new LeaderForwarder(server);
    const s = this.server;
    this.register('etcdserverpb.KV', {
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
      Put: unary(async (call) => this.write(call, { put: call.request }, (r, h) => putResponseToPb(r as PutResponse, h))),
      DeleteRange: unary(async (call) =>
        this.write(call, { delete_range: call.request }, (r, h) => deleteRangeResponseToPb(r as DeleteRangeResponse, h)),
      ),
      Txn: unary(async (call) => {
        const txn = txnRequestFromPb(call.request);
        if (isReadOnly(txn)) {
          s.checkWrite({ txn: call.request });
          const caller = await callerOf(s, call);
          await s.linearizableRead();
          if (caller) checkTxn(s.auth, caller, txn, (id) => s.kv.leaseKeys(id));
          return txnResponseToPb(s.kv.readOnlyTxn(txn), s.header());
        }
        return this.write(call, { txn: call.request }, (r, h) => txnResponseToPb(r as TxnResponse, h));
      }),
      Compact: unary(async (call) => {
        // etcd 3.4 checks no permission for compaction, only that a token given is valid.
        const outcome = await s.propose({ compaction: call.request, auth: authHeader(await callerOf(s, call)) });
        if (call.request.physical) await outcome.done;
        return { header: s.header(outcome.revision) };
      }),
    });
    this.register('etcdserverpb.Watch', {
      Watch: (call: grpc.ServerDuplexStream<pb.WatchRequest, pb.WatchResponseInit | Uint8Array>) => serveWatch(s, call),
    });
    this.register('etcdserverpb.Lease', {
      LeaseGrant: unary(async (call) => {
        const ttl = toNumber(call.request.TTL);
        if (ttl > MAX_LEASE_TTL_SECONDS) throw Errors.leaseTtlTooLarge();
        let id = toBigInt(call.request.ID);
        // etcd picks a positive int63 for ID 0; here at random, so members never collide.
        if (id === 0n) id = randomBytes(8).readBigUInt64BE() & ((1n << 63n) - 1n);
        // As in etcd 3.4, granting a lease takes no permission (a token given must be valid).
        const caller = await callerOf(s, call);
        const outcome = await s.propose({ lease_grant: { ID: int64(id), TTL: ttl }, auth: authHeader(caller) });
        const granted = outcome.result as { id: bigint; ttl: number };
        return { header: s.header(outcome.revision), ID: int64(granted.id), TTL: granted.ttl };
      }),
      LeaseRevoke: unary(async (call) => {
        const caller = await callerOf(s, call);
        const outcome = await s.propose({ lease_revoke: { ID: call.request.ID }, auth: authHeader(caller) });
        return { header: s.header(outcome.revision) };
      }),
      LeaseKeepAlive: (call: grpc.ServerDuplexStream<pb.LeaseKeepAliveRequest, pb.LeaseKeepAliveResponseInit>) => {
        call.on('data', (request: pb.LeaseKeepAliveRequest) => {
          // As etcd: an unknown lease is TTL 0; any other failure (no leader, a timeout) ends the stream.
          this.keepAlive(toBigInt(request.ID)).then(
            (ttl) => call.write({ header: s.header(), ID: request.ID, TTL: ttl }),
            (err: unknown) => (isError(err, Errors.leaseNotFound) ? call.write({ header: s.header(), ID: request.ID, TTL: 0 }) : call.emit('error', toServiceError(err))),
          );
        });
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
      LeaseTimeToLive: unary(async (call) => {
        const id = toBigInt(call.request.ID);
        if (s.leaderId !== s.id) return this.forwarder.timeToLive(call.request);
        const ttl = s.kv.leaseTimeToLive(id);
        if (!ttl) return { header: s.header(), ID: call.request.ID, TTL: -1, grantedTTL: 0, keys: [] };
        const keys = call.request.keys ? ttl.keys.map((k) => Buffer.from(k, 'latin1')) : [];
        return { header: s.header(), ID: call.request.ID, TTL: ttl.ttl, grantedTTL: ttl.grantedTtl, keys };
      }),
      LeaseLeases: unary(async () => {
        await s.linearizableRead();
        return { header: s.header(), leases: s.kv.leaseIds().map((id) => ({ ID: int64(id) })) };
      }),
    });
    this.register('etcdserverpb.Cluster', {
      MemberList: unary(async () => ({ header: this.clusterHeader(), members: s.members.list().map(memberToPb) })),
      MemberAdd: unary(async (call) => {
        const peerUrls = call.request.peerURLs;
        if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadUrls();
        await this.checkAdmin(call);
        const taken = new Set(s.members.list().flatMap((m) => m.peerUrls));
        if (peerUrls.some((u) => taken.has(u))) throw Errors.peerUrlExist();
        const isLearner = call.request.isLearner;
        const member: Member = {
          id: memberIdOf(peerUrls, s.config.initialClusterToken, Math.floor(Date.now() / 1000)),
          name: '',
          peerUrls,
          clientUrls: [],
          isLearner,
        };
        await s.proposeConfChange({
          type: isLearner ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode,
          nodeId: member.id,
          context: encodeMemberAttributes(member),
        });
        return { header: this.clusterHeader(), member: memberToPb(member), members: s.members.list().map(memberToPb) };
      }),
      MemberRemove: unary(async (call) => {
        await this.checkAdmin(call);
        const id = toUint64(call.request.ID);
        if (!s.members.get(id)) throw Errors.memberNotFound();
        await s.proposeConfChange({ type: ConfChangeType.RemoveNode, nodeId: id, context: new Uint8Array() });
        return { header: this.clusterHeader(), members: s.members.list().map(memberToPb) };
      }),
      MemberPromote: unary(async (call) => {
        await this.checkAdmin(call);
        if (s.leaderId === s.id) await promoteLearner(s, toUint64(call.request.ID));
        else await this.forwarder.promote(call.request);
        return { header: this.clusterHeader(), members: s.members.list().map(memberToPb) };
      }),
      MemberUpdate: unary(async (call) => {
        await this.checkAdmin(call);
        const id = toUint64(call.request.ID);
        const peerUrls = call.request.peerURLs;
        if (!s.members.get(id)) throw Errors.memberNotFound();
        if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadUrls();
        const taken = new Set(s.members.list().filter((m) => m.id !== id).flatMap((m) => m.peerUrls));
        if (peerUrls.some((u) => taken.has(u))) throw Errors.peerUrlExist();
        await s.propose({ update_member: { id: uint64(id), peer_urls: peerUrls } });
        return { header: this.clusterHeader(), members: s.members.list().map(memberToPb) };
      }),
    });
    this.register('etcdserverpb.Maintenance', {
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
        await this.checkMaintenanceAdmin(call);
        const hash = s.kv.hashKv(toNumber(call.request.revision));
        return { header: s.header(), hash: hash.hash >>> 0, compact_revision: hash.compactRevision };
      }),
      Hash: unary(async (call) => {
        await this.checkMaintenanceAdmin(call);
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
            : ((await s.propose({ alarm: call.request })).result as Alarm[]);
        return { header: s.header(), alarms: alarms.map((a) => ({ memberID: uint64(a.memberId), alarm: a.alarm })) };
      }),
      Defragment: unary(async (call) => {
        await this.checkMaintenanceAdmin(call);
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
            await this.checkMaintenanceAdmin(call);
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
    });
    this.register('etcdserverpb.Auth', unaryService(authHandlers(s)));
    this.register('grpc.health.v1.Health', {
      Check: unary(async () => ({ status: 1 })),
      Watch: (call: grpc.ServerWritableStream<pb.HealthCheckRequest, pb.HealthCheckResponseInit>) => {
        call.write({ status: 1 });
      },
    });
  }

  /**
   * Unary handlers by "package.Service/Method": both front ends (gRPC and the JSON gateway) look the
   * handler up here on every call, so replacing an entry intercepts that method on both.
   */
  readonly unaryHandlers = new Map<string, Unary>();

  private register<S extends keyof pb.Services>(service: S, implementation: Implementation<pb.Services[S]>): void {
    const served: Record<string, object> = {};
    for (const [method, handler] of Object.entries(implementation as Record<string, object>)) {
      // Stored untyped: the gateway decodes each request with its method's own type.
      const raw = (handler as { [RAW]?: Unary })[RAW];
      const name = `${service}/${method}`;
      if (raw) this.unaryHandlers.set(name, raw);
      served[method] = raw ? unary((call) => this.unaryHandlers.get(name)!(call)) : handler;
    }
    this.grpcServer.addService(serviceDefinition(service), served as grpc.UntypedServiceImplementation);
  }

  private clusterHeader(): pb.ResponseHeaderInit {
    // etcd's Cluster replies carry no revision.
    return { ...this.server.header(), revision: 0 };
  }

  /** Cluster membership changes take the root role when auth is on. */
  private async checkAdmin(call: UnaryCall): Promise<void> {
    const caller = await callerOf(this.server, call);
    if (caller) this.server.auth.checkAdmin(caller);
  }

  /** Maintenance calls take the root role too; etcd 3.4 reports their auth errors unmapped. */
  private async checkMaintenanceAdmin(call: UnaryCall): Promise<void> {
    try {
      await this.checkAdmin(call);
    } catch (err) {
      throw unmappedAuthError(err);
    }
  }

  private async write<Response>(call: UnaryCall, body: KvWrite, toPb: (result: unknown, header: pb.ResponseHeaderInit) => Response): Promise<Response> {
    if (this.server.isLearner) throw Errors.notSupportedForLearner();
    this.server.checkWrite(body);
    const caller = await callerOf(this.server, call);
    const outcome = await this.server.propose({ ...body, auth: authHeader(caller) });
    return toPb(outcome.result, this.server.header(outcome.revision));
  }

  private async keepAlive(id: bigint): Promise<number> {
    const s = this.server;
    if (s.leaderId === s.id) return s.kv.leaseRenew(id);
    return this.forwarder.keepAlive(id);
  }

  private readonly listeners: Server[] = [];
  private injector: ReturnType<grpc.Server['createConnectionInjector']> | undefined;
  private http2Front: Http2Front | undefined;

  /**
   * Serves the client URLs: each connection's first bytes say which protocol it speaks, so gRPC (HTTP/2)
   * and HTTP/1.1 (/health, /version, /metrics, the JSON gateway) share a port as they do on etcd. On an
   * https:// URL the connection's TLS handshake comes first (with --client-cert-auth, a client without a
   * certificate signed by the trusted CA fails it); then ALPN "h2" means gRPC, and anything else is
   * sniffed as on a plain connection. The verified client certificate reaches handlers through
   * getAuthContext() on the call (see client-identity.ts). An HTTP/2 connection reaches gRPC through an
   * Http2Front, which fixes the :authority Go clients send for an endpoint given with its scheme
   * (see http2-connection.ts).
   */
  async listen(urls: readonly string[]): Promise<void> {
    const injector = this.grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.injector = injector;
    const http2Front = new Http2Front((connection) => injector.injectConnection(connection));
    this.http2Front = http2Front;
    const gateway = httpHandler(this.server, this.unaryHandlers, ETCD_API_VERSION);
    const access = this.options.httpAccess;
    const refused = (host: string): void => this.server.config.log('warn', 'rejecting HTTP request to prevent DNS rebinding attacks', { host });
    const http = createHttpServer(access ? withHttpAccess(access, gateway, refused) : gateway);
    const dispatch = (socket: Socket): void => {
      socket.on('error', () => {});
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        if (chunk.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
          http2Front.accept(socket, chunk);
        } else {
          // The HTTP/1 parser reads the socket's handle directly and would miss them: hand it a stream
          // that starts with them.
          const stream = replaying(socket, chunk);
          if (socket instanceof TLSSocket) attachAuthContext(Object.assign(stream, { encrypted: true }), socket);
          http.emit('connection', stream);
        }
      });
    };
    const settings = this.server.config.clientTls;
    const tlsServer = settings
      ? checkedTlsServer(settings, { ALPNCallback: chooseProtocol }, (socket) => {
          if (socket.alpnProtocol === 'h2') {
            socket.on('error', () => {});
            http2Front.accept(socket);
          } else {
            dispatch(socket);
          }
        })
      : undefined;
    tlsServer?.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      // A certificate from an unknown CA fails verification after the handshake: its reason is here.
      this.server.config.log('warn', 'rejected connection on client endpoint', { error: socket.authorizationError ? String(socket.authorizationError) : err.message });
    });
    for (const url of urls) {
      const { hostname, port } = new URL(url);
      if (isHttps(url) && !tlsServer) throw new Error(`client URL ${url} is https but no client certificate is configured`);
      const listener = isHttps(url)
        ? createNetServer((socket) => {
            socket.on('error', () => {});
            tlsServer!.emit('connection', socket);
          })
        : createNetServer(dispatch);
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(Number(port), hostname.replace(/^\[|\]$/g, ''), () => resolve());
      });
      this.listeners.push(listener);
    }
  }

  async close(): Promise<void> {
    this.forwarder.close();
    for (const listener of this.listeners) listener.close();
    this.http2Front?.close();
    this.injector?.destroy();
    this.grpcServer.forceShutdown();
  }
}

/** A stream over `socket` that first yields `first` (bytes already read to sniff the protocol). */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (err, callback) => {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return Object.assign(stream, { setTimeout: () => stream, setNoDelay: () => stream, setKeepAlive: () => stream, remoteAddress: socket.remoteAddress });
}

/**
 * The application protocol for a TLS client that offers some: gRPC clients offer "h2" alone (or beside
 * "grpc-exp"); a client that also speaks HTTP/1.1 (curl, a browser) gets HTTP/1.1, where /health and the
 * JSON gateway are served, since an HTTP/2 connection here carries gRPC only.
 */
function chooseProtocol({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes('http/1.1')) return 'http/1.1';
  if (protocols.includes('h2')) return 'h2';
  return protocols[0];
}

/** The start of every HTTP/2 connection ("PRI * HTTP/2.0"). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2', 'latin1');

function validUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.port !== '';
  } catch {
    return false;
  }
}
