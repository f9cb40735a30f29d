// The connection layer every etcd v3 client in the project shares (bargectl, the apiserver): gRPC and
// the protobuf service definitions loaded on first use, method lookup, and the channel for an endpoint
// (TLS from files or from an https:// scheme, fast reconnects).

import type * as Grpc from '@grpc/grpc-js';
import type * as pb from '../../wire/messages.js';

export type GrpcModule = typeof Grpc;
export type EtcdService = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth';

type MethodsOf<S extends EtcdService> = pb.Services[`etcdserverpb.${S}`];
/** The methods of a service by name. */
export type MethodName<S extends EtcdService> = keyof MethodsOf<S> & string;
type RpcOf<S extends EtcdService, M extends MethodName<S>> = MethodsOf<S>[M] extends pb.Rpc<unknown, unknown, unknown, unknown> ? MethodsOf<S>[M] : never;
/** A method's request as encode() takes it. */
export type RequestOf<S extends EtcdService, M extends MethodName<S>> = RpcOf<S, M>['requestInit'];
/** A method's response as decoded. */
export type ResponseOf<S extends EtcdService, M extends MethodName<S>> = RpcOf<S, M>['response'];

// gRPC and the protobuf schema load only when a client first talks to a server.
let grpc: GrpcModule | undefined;
let serviceDefinition: (name: string) => Grpc.ServiceDefinition;

export async function loadGrpc(): Promise<GrpcModule> {
  if (grpc) return grpc;
  const loaded = await import('@grpc/grpc-js');
  ({ serviceDefinition } = await import('../../wire/proto.js'));
  grpc = loaded;
  return loaded;
}

/** TLS for a connection (etcdctl's --cacert, --cert, --key, --insecure-skip-tls-verify), read from the files. */
export interface ClientTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly skipVerify: boolean;
}

const definitions = new Map<string, Grpc.ServiceDefinition>();

/** A method of an etcd service; loadGrpc() must have run. */
export function method<S extends EtcdService, M extends MethodName<S>>(service: S, name: M): Grpc.MethodDefinition<RequestOf<S, M>, ResponseOf<S, M>> {
  let definition = definitions.get(service);
  if (!definition) {
    definition = serviceDefinition(`etcdserverpb.${service}`);
    definitions.set(service, definition);
  }
  const m = definition[name];
  if (!m) throw new Error(`no method ${service}.${name}`);
  // The definition is built from the same proto/ the types are generated from.
  return m as Grpc.MethodDefinition<RequestOf<S, M>, ResponseOf<S, M>>;
}

/** `http://host:port` or `host:port` → `host:port`. */
export function endpointAddress(endpoint: string): string {
  return endpoint.replace(/^(https?|unix|unixs):\/\//, '');
}

/** The TLS a connection to `endpoint` uses: `tls` if given, else for an https:// endpoint the system's roots, else none. */
export function endpointTls(endpoint: string, tls: ClientTls | undefined): ClientTls | undefined {
  return tls ?? (endpoint.startsWith('https://') ? { skipVerify: false } : undefined);
}

/** A gRPC client for one endpoint, with endpointTls's TLS and any further channel `options`. */
export function channelFor(g: GrpcModule, endpoint: string, tls: ClientTls | undefined, options: Grpc.ChannelOptions = {}): Grpc.Client {
  const effective = endpointTls(endpoint, tls);
  const credentials = effective
    ? g.credentials.createSsl(effective.ca ?? null, effective.key ?? null, effective.cert ?? null, effective.skipVerify ? { rejectUnauthorized: false } : {})
    : g.credentials.createInsecure();
  return new g.Client(endpointAddress(endpoint), credentials, {
    'grpc.max_receive_message_length': -1,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
    ...options,
  });
}
