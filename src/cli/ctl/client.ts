// bargectl's connection to a cluster: the first endpoint that answers (as the Go client's balancer
// would pick a ready one), unary calls bounded by --command-timeout, and streams. With --user, the
// client authenticates first and sends the token with every call, authenticating again when the
// server calls the token invalid, as the Go client does.

import type * as Grpc from '@grpc/grpc-js';
import {
  channelFor,
  endpointAddress,
  loadGrpc,
  method,
  type ClientTls,
  type EtcdService as Service,
  type GrpcModule,
  type MethodName,
  type RequestOf,
  type ResponseOf,
} from '../../client/etcd/channel.js';
import { CLIENT_ID, contextCanceled, CtlError, ExitCode, GrpcCode, RpcError, warnRetry, warnTokenRetry } from './errors.js';

export { endpointAddress, type ClientTls };

/** Set by the first call (loadGrpc). */
let grpc: GrpcModule;

/** --user and --password as the Go client takes them: no authentication unless both are set. */
export interface ClientAuth {
  readonly username: string;
  readonly password: string;
}

export interface ClientConfig {
  /** host:port, as given to --endpoints without the scheme. */
  readonly endpoints: readonly string[];
  /** TLS for every endpoint; without it, only https:// endpoints use TLS (verified with the system's roots). */
  readonly tls?: ClientTls;
  readonly dialTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** --keepalive-time and --keepalive-timeout: pings while a call is open (none when the time is 0). */
  readonly keepalive?: { readonly timeMs: number; readonly timeoutMs: number };
  /** A direct dial of one endpoint (the Go client's per-member maintenance calls), not the balancer. */
  readonly passthrough?: boolean;
  readonly auth?: ClientAuth;
}

const INVALID_TOKEN = 'etcdserver: invalid auth token';
const AUTH_NOT_ENABLED = 'etcdserver: authentication is not enabled';
/** The Go client's retry interceptor gives up after this many attempts. */
const MAX_ATTEMPTS = 100;

/** The Go client's default limit on a request's size. */
const MAX_SEND_BYTES = 2 * 1024 * 1024;

export interface CallOptions {
  /** No deadline (etcdctl's context.TODO()); the endpoint is still awaited for --command-timeout. */
  readonly noDeadline?: boolean;
  /** An explicit deadline (ms since the epoch) shared by several calls; Infinity waits for an endpoint forever. */
  readonly deadline?: number;
  /** Cancels the call (the Go client's cancelled context): it fails with `context canceled`. */
  readonly signal?: AbortSignal;
}

export class EtcdClient {
  private readonly clients = new Map<string, Grpc.Client>();
  private chosen: Grpc.Client | undefined;
  private token: string | undefined;
  private authentication: Promise<void> | undefined;

  constructor(readonly config: ClientConfig) {}

  get endpoints(): readonly string[] {
    return this.config.endpoints;
  }

  /** A client for just one of the endpoints (per-member maintenance calls). */
  forEndpoint(endpoint: string, passthrough = false): EtcdClient {
    return new EtcdClient({ ...this.config, endpoints: [endpoint], passthrough });
  }

  private grpcClient(endpoint: string): Grpc.Client {
    let client = this.clients.get(endpoint);
    if (!client) {
      client = channelFor(grpc, endpoint, this.config.tls, keepaliveOptions(this.config.keepalive));
      this.clients.set(endpoint, client);
    }
    return client;
  }

  /** Waits for the first endpoint, in order of preference, whose connection is ready. */
  private async ready(deadline: number, signal?: AbortSignal): Promise<Grpc.Client> {
    if (this.chosen) return this.chosen;
    grpc = await loadGrpc();
    const clients = this.config.endpoints.map((e) => this.grpcClient(e));
    const start = Date.now();
    for (;;) {
      const states = clients.map((c) => c.getChannel().getConnectivityState(true));
      // The earliest ready endpoint; an earlier one still connecting is waited for up to --dial-timeout.
      const patient = Date.now() - start < this.config.dialTimeoutMs;
      for (let i = 0; i < clients.length; i++) {
        if (states[i] === grpc.connectivityState.READY) {
          this.chosen = clients[i]!;
          return this.chosen;
        }
        if (patient && states[i] !== grpc.connectivityState.TRANSIENT_FAILURE) break;
      }
      if (signal?.aborted) throw contextCanceled();
      if (Date.now() >= deadline) {
        const reason = this.config.passthrough
          ? `connection error: desc = "transport: Error while dialing dial tcp ${endpointAddress(this.config.endpoints[0] ?? '')}: connect: connection refused"`
          : 'all SubConns are in TransientFailure';
        throw new RpcError(GrpcCode.DeadlineExceeded, `latest balancer error: ${reason}`, 'context deadline exceeded');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private deadlineOf(options: CallOptions): number {
    return options.deadline ?? Date.now() + this.config.commandTimeoutMs;
  }

  /** The retry interceptor's name for the connection to `endpoint`. */
  private target(endpoint = this.config.endpoints[0] ?? ''): string {
    return this.config.passthrough ? `passthrough:///${endpoint}` : `endpoint://${CLIENT_ID}/${endpointAddress(endpoint)}`;
  }

  private metadata(withToken = true): Grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (withToken && this.token !== undefined) metadata.set('token', this.token);
    return metadata;
  }

  /** One attempt of a unary call, unlogged. */
  private async invoke<S extends Service, M extends MethodName<S>>(service: S, name: M, request: RequestOf<S, M>, deadline: number, options: CallOptions = {}): Promise<ResponseOf<S, M>> {
    try {
      grpc = await loadGrpc();
      const m = method(service, name);
      const size = m.requestSerialize(request).length;
      if (size > MAX_SEND_BYTES) throw new RpcError(GrpcCode.ResourceExhausted, `trying to send message larger than max (${size} vs. ${MAX_SEND_BYTES})`);
      const client = await this.ready(deadline, options.signal);
      return await new Promise<ResponseOf<S, M>>((resolve, reject) => {
        // Authenticate goes without the token (the Go client asks for one on a connection of its own).
        const metadata = this.metadata(name !== 'Authenticate');
        const call = client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, metadata, options.noDeadline ? {} : { deadline }, (err, value) => {
          if (err) reject(err);
          else resolve(value!);
        });
        if (options.signal?.aborted) call.cancel();
        else options.signal?.addEventListener('abort', () => call.cancel(), { once: true });
      });
    } catch (err) {
      throw options.signal?.aborted ? contextCanceled() : RpcError.from(err, !options.noDeadline && Date.now() >= deadline - 5);
    }
  }

  /**
   * The Go client's getToken: Authenticate through each endpoint's name in turn until one succeeds;
   * the last failure otherwise ("authentication is not enabled" at once).
   */
  private async fetchToken(auth: ClientAuth, deadline: number): Promise<void> {
    let last: RpcError | undefined;
    for (const endpoint of this.config.endpoints) {
      if (last && Date.now() >= deadline) break;
      try {
        const response = await this.invoke('Auth', 'Authenticate', { name: auth.username, password: auth.password }, deadline);
        this.token = response.token;
        return;
      } catch (err) {
        last = err as RpcError;
        warnRetry(this.target(endpoint), 0, last);
        if (last.details === AUTH_NOT_ENABLED) break;
      }
    }
    throw last!;
  }

  /** The credentials to authenticate with: none unless both a user name and a password are set. */
  private credentials(): ClientAuth | undefined {
    const auth = this.config.auth;
    return auth && auth.username !== '' && auth.password !== '' ? auth : undefined;
  }

  /**
   * What the Go client's constructor does before a command goes on: with credentials, the first token,
   * fetched within --dial-timeout (failing exits 2). Calls and streams do it themselves when not done.
   */
  connect(): Promise<void> {
    const auth = this.credentials();
    if (!auth) return Promise.resolve();
    // The dial timeout starts once the gRPC code is loaded, as for calls.
    this.authentication ??= loadGrpc().then(() => this.fetchToken(auth, Date.now() + this.config.dialTimeoutMs)).catch((err: RpcError) => {
      if (err.details === AUTH_NOT_ENABLED) return;
      throw new CtlError(ExitCode.BadConnection, String(err));
    });
    return this.authentication;
  }

  /**
   * What the Go client's stream interceptor does before a stream opens: a fresh token (an "auth not
   * enabled" answer lets the stream go on without one).
   */
  private async refreshForStream(): Promise<void> {
    await this.connect();
    const auth = this.credentials();
    if (!auth) return;
    try {
      await this.fetchToken(auth, Date.now() + this.config.commandTimeoutMs);
    } catch (err) {
      if ((err as RpcError).details !== AUTH_NOT_ENABLED) throw err;
    }
  }

  /**
   * One unary call; a failure is logged the way the Go client's retry interceptor logs it, then thrown,
   * except an invalid token, after which the call is made again with a new one.
   */
  async call<S extends Service, M extends MethodName<S>>(service: S, name: M, request: RequestOf<S, M>, options: CallOptions = {}): Promise<ResponseOf<S, M>> {
    // Loading the gRPC code is no part of the call's time (a Go client has its code loaded at exec).
    await loadGrpc();
    const deadline = this.deadlineOf(options);
    await this.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.invoke(service, name, request, deadline, options);
      } catch (err) {
        const rpcError = err as RpcError;
        warnRetry(this.target(), attempt, rpcError);
        const auth = this.config.auth;
        if (rpcError.details !== INVALID_TOKEN || !auth || attempt + 1 >= MAX_ATTEMPTS) throw rpcError;
        try {
          await this.fetchToken(auth, options.noDeadline ? Date.now() + this.config.dialTimeoutMs : deadline);
        } catch (tokenError) {
          warnTokenRetry(this.target(), tokenError as RpcError);
          throw tokenError;
        }
      }
    }
  }

  /** The next call or stream goes to whichever endpoint is ready then (the one used so far may be gone). */
  forgetEndpoint(): void {
    this.chosen = undefined;
  }

  /** A bidirectional stream (Watch, LeaseKeepAlive) once an endpoint is ready. */
  async bidi<S extends Service, M extends MethodName<S>>(service: S, name: M, requireLeader = false, signal?: AbortSignal): Promise<Grpc.ClientDuplexStream<RequestOf<S, M>, ResponseOf<S, M>>> {
    await this.refreshForStream();
    await loadGrpc();
    const client = await this.ready(Date.now() + this.config.commandTimeoutMs, signal);
    const m = method(service, name);
    const metadata = this.metadata();
    if (requireLeader) metadata.set('hasleader', 'true');
    return client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, metadata, {});
  }

  /** A server stream (Snapshot) once an endpoint is ready. */
  async serverStream<S extends Service, M extends MethodName<S>>(service: S, name: M, request: RequestOf<S, M>): Promise<Grpc.ClientReadableStream<ResponseOf<S, M>>> {
    await this.refreshForStream();
    await loadGrpc();
    const client = await this.ready(Date.now() + this.config.commandTimeoutMs);
    const m = method(service, name);
    return client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, request, this.metadata(), {});
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.chosen = undefined;
  }
}

/** grpc-go's floor under a client's ping interval: a shorter --keepalive-time (etcdctl's default 2s) pings every 10 s. */
const MIN_KEEPALIVE_TIME_MS = 10_000;

/** The channel options of etcdctl's keepalive: pings only while a call or stream is open, as clientv3's. */
function keepaliveOptions(keepalive: ClientConfig['keepalive']): Grpc.ChannelOptions {
  if (!keepalive || keepalive.timeMs <= 0) return {};
  return { 'grpc.keepalive_time_ms': Math.max(MIN_KEEPALIVE_TIME_MS, keepalive.timeMs), 'grpc.keepalive_timeout_ms': keepalive.timeoutMs };
}
