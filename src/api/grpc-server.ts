// etcd's v3 gRPC API on the client URLs: KV, Watch, Lease, Cluster, Maintenance, Auth and grpc.health.v1,
// answering with etcd's headers and errors (gRPC code and exact message). Each service's handlers live in
// a file of their own; this one registers them and serves the client URLs with the JSON gateway beside.

import * as grpc from '@grpc/grpc-js';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type * as pb from '../wire/messages.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { serviceDefinition } from '../wire/proto.js';
import { Errors } from '../etcd-errors.js';
import { authHandlers } from './auth-service.js';
import { ClientListener } from './client-listener.js';
import { CONNECTION_TAG_HEADER, tagTlsConnection } from './client-identity.js';
import { clusterService } from './cluster-service.js';
import { rawHandler, unary, unaryService, type Implementation } from './grpc-service.js';
import { httpHandler } from './http-gateway.js';
import { withHttpAccess, type HttpAccess } from './http-access.js';
import { kvResponseSerializers } from './kv-response-encoding.js';
import { kvService } from './kv-service.js';
import { SplitConnection } from './http2-split-connection.js';
import { GRPC_OVERHEAD_BYTES, leanRouter } from './lean-grpc.js';
import type { StreamRouter } from './http2-own-stream.js';
import { unaryStarts, type LeanMethod } from './lean-unary.js';
import { duplexMethod, duplexStart } from './lean-duplex.js';
import { LeaderForwarder } from './leader-forwarder.js';
import { leaseService, serveKeepAlive } from './lease-service.js';
import { ETCD_API_VERSION, maintenanceService } from './maintenance-service.js';
import { PingStrikes } from './ping-strikes.js';
import { refusedForNoLeader } from './require-leader.js';
import type { Unary } from './unary-call.js';
import { serveWatch } from './watch-service.js';
import { grpcOutput } from './watch-output.js';

export type { Unary, UnaryCall } from './unary-call.js';
export { ETCD_API_VERSION } from './maintenance-service.js';

/** How the client URLs are served beyond the server's own config (barge's flags). */
export interface ClientApiOptions {
  /** grpc-js server options: stream limits and keepalive pings (--max-concurrent-streams, --grpc-keepalive-*). */
  readonly grpc?: grpc.ServerOptions;
  /** --cors and --host-whitelist for HTTP requests. */
  readonly httpAccess?: HttpAccess;
  /** --grpc-keepalive-min-time: how often a client with a call open may ping; etcd's 5 s when not set. */
  readonly keepaliveMinTimeMs?: number;
  /** false: every call through grpc-js, unary calls and the front end's streams too (the reference lean-unary.ts and lean-duplex.ts are held to). */
  readonly leanCalls?: boolean;
}

type Injector = ReturnType<grpc.Server['createConnectionInjector']>;

/** etcd's --grpc-keepalive-min-time default. */
const DEFAULT_KEEPALIVE_MIN_TIME_MS = 5000;

/** A call that requires a leader fails at once with "no leader" on a member without one (require-leader.ts). */
function requiringLeader(server: EtcdServer, handler: Unary): Unary {
  return (call) => (refusedForNoLeader(server, call) ? Promise.reject(Errors.noLeader()) : handler(call));
}

export class ClientApi {
  private readonly grpcServer: grpc.Server;
  private readonly forwarder: LeaderForwarder;
  private injector: Injector | undefined;
  private listener: ClientListener | undefined;
  /** The methods served ahead of grpc-js (see lean-unary.ts), by :path. */
  private readonly leanMethods = new Map<string, LeanMethod>();

  /**
   * Unary handlers by "package.Service/Method": both front ends (gRPC and the JSON gateway) look the
   * handler up here on every call, so replacing an entry intercepts that method on both.
   */
  readonly unaryHandlers = new Map<string, Unary>();

  constructor(
    private readonly server: EtcdServer,
    private readonly options: ClientApiOptions = {},
  ) {
    // Without channelz (nothing here serves it, nor does etcd) grpc-js keeps no statistics per call: four
    // clock reads and an object of four closures on every call.
    this.grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1, 'grpc.enable_channelz': 0, ...options.grpc });
    this.forwarder = new LeaderForwarder(server);
    const s = this.server;
    this.register('etcdserverpb.KV', kvService(s));
    this.register('etcdserverpb.Watch', {
      Watch: (call: grpc.ServerDuplexStream<pb.WatchRequest, Uint8Array>) => serveWatch(s, call, grpcOutput(call)),
    });
    this.register('etcdserverpb.Lease', leaseService(s, this.forwarder));
    this.register('etcdserverpb.Cluster', clusterService(s, this.forwarder));
    this.register('etcdserverpb.Maintenance', maintenanceService(s));
    this.register('etcdserverpb.Auth', unaryService(authHandlers(s)));
    this.register('grpc.health.v1.Health', {
      Check: unary(async () => ({ status: 1 })),
      Watch: (call: grpc.ServerWritableStream<pb.HealthCheckRequest, pb.HealthCheckResponseInit>) => {
        call.write({ status: 1 });
      },
    });
  }

  private register<S extends keyof pb.Services>(service: S, implementation: Implementation<pb.Services[S]>): void {
    const served: Record<string, object> = {};
    for (const [method, handler] of Object.entries(implementation as Record<string, object>)) {
      // Stored untyped: the gateway decodes each request with its method's own type.
      const raw = rawHandler(handler);
      const name = `${service}/${method}`;
      if (raw) this.unaryHandlers.set(name, requiringLeader(this.server, raw));
      served[method] = raw ? unary((call) => this.unaryHandlers.get(name)!(call)) : handler;
    }
    // The KV responses, on every read and write, are encoded by hand (see kv-response-encoding.ts).
    const handEncoded: Readonly<Record<string, (message: never) => Buffer>> = service === 'etcdserverpb.KV' ? kvResponseSerializers : {};
    const definition = Object.fromEntries(
      Object.entries(serviceDefinition(service)).map(([method, d]) => [method, handEncoded[method] ? { ...d, responseSerialize: handEncoded[method] } : d]),
    ) as grpc.ServiceDefinition;
    // Every unary method is served by the front end (lean-unary.ts) unless leanCalls is false.
    for (const [method, d] of Object.entries(definition)) {
      const name = `${service}/${method}`;
      if (this.unaryHandlers.has(name)) this.leanMethods.set(d.path, { name, decode: d.requestDeserialize, encode: d.responseSerialize as LeanMethod['encode'] });
    }
    this.grpcServer.addService(definition, served as grpc.UntypedServiceImplementation);
  }

  /** Serves the client URLs: gRPC and HTTP/1.1 on each (see client-listener.ts). */
  async listen(urls: readonly string[]): Promise<void> {
    const injector = this.grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.injector = injector;
    const route = this.options.leanCalls === false ? undefined : this.frontEndRouter();
    const minTimeMs = this.options.keepaliveMinTimeMs ?? DEFAULT_KEEPALIVE_MIN_TIME_MS;
    const maxConcurrentStreams = this.options.grpc?.['grpc.max_concurrent_streams'];
    const http2 = (socket: Socket, first?: Buffer): void => {
      const secure = socket instanceof TLSSocket;
      const tag = secure ? { name: CONNECTION_TAG_HEADER, value: tagTlsConnection(socket) } : undefined;
      // etcd polices pings on plain connections only (over TLS it serves gRPC through Go's HTTP/2 server,
      // which does not).
      const pingStrikes = secure ? undefined : new PingStrikes(minTimeMs);
      new SplitConnection(socket, { route, inject: (connection) => injector.injectConnection(connection), pingStrikes, tag, maxConcurrentStreams }, first);
    };
    const gateway = httpHandler(this.server, this.unaryHandlers, ETCD_API_VERSION);
    const access = this.options.httpAccess;
    const refused = (host: string): void => this.server.config.log('warn', 'rejecting HTTP request to prevent DNS rebinding attacks', { host });
    this.listener = new ClientListener(this.server.config, http2, access ? withHttpAccess(access, gateway, refused) : gateway, (listener) => this.server.onceReady(listener));
    await this.listener.listen(urls);
  }

  /** The calls the client port's front end serves itself: every unary method, Watch and LeaseKeepAlive. */
  private frontEndRouter(): StreamRouter {
    const maxMessageBytes = this.server.config.maxRequestBytes + GRPC_OVERHEAD_BYTES;
    const starts = unaryStarts(this.leanMethods, this.unaryHandlers, maxMessageBytes);
    // The bidirectional streams, with the same handlers grpc-js calls (a watch stream's output is the call itself).
    const s = this.server;
    const watch = serviceDefinition('etcdserverpb.Watch')['Watch']!;
    const keepAlive = serviceDefinition('etcdserverpb.Lease')['LeaseKeepAlive']!;
    starts.set(watch.path, duplexStart(duplexMethod<pb.WatchRequest, Uint8Array>(watch), maxMessageBytes, (call) => serveWatch(s, call, call)));
    starts.set(keepAlive.path, duplexStart(duplexMethod<pb.LeaseKeepAliveRequest, pb.LeaseKeepAliveResponseInit>(keepAlive), maxMessageBytes, (call) => serveKeepAlive(s, this.forwarder, call)));
    return leanRouter(starts);
  }

  async close(): Promise<void> {
    this.forwarder.close();
    this.listener?.close();
    this.injector?.destroy();
    this.grpcServer.forceShutdown();
  }
}
