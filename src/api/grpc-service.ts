// How the API's handler tables become grpc-js services: a unary handler is a plain async function of its
// call (so the JSON gateway can call it too), wrapped here into grpc-js's callback form with etcd's errors
// (gRPC code and message) on failure; streaming methods are grpc-js handlers as they are.

import type * as grpc from '@grpc/grpc-js';
import { EtcdError, GrpcCode } from '../etcd-errors.js';
import type { AnyRpc, Unary, UnaryHandlers } from './unary-call.js';

const RAW = Symbol('unary handler');

/** An error as grpc-js sends it: an EtcdError's code and message, anything else as Unknown. */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof EtcdError) return { code: err.code as number, details: err.message };
  return { code: GrpcCode.Unknown as number, details: err instanceof Error ? err.message : String(err) };
}

type UnaryHandler<M extends AnyRpc> = grpc.handleUnaryCall<M['request'], M['responseInit']> & { [RAW]: Unary<M> };

/** How one method is served: unary through unary(), streams by grpc-js handlers (a response may be pre-encoded bytes). */
type Served<M extends AnyRpc> =
  | UnaryHandler<M>
  | grpc.handleServerStreamingCall<M['request'], M['responseInit'] | Uint8Array>
  | grpc.handleBidiStreamingCall<M['request'], M['responseInit'] | Uint8Array>;

export type Implementation<Methods> = { [K in keyof Methods]: Methods[K] extends AnyRpc ? Served<Methods[K]> : never };

/** A unary method served from a plain handler, which stays reachable through rawHandler(). */
export function unary<M extends AnyRpc>(handler: Unary<M>): UnaryHandler<M> {
  const grpcHandler: grpc.handleUnaryCall<M['request'], M['responseInit']> = (call, callback) => {
    handler(call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err) as grpc.ServiceError),
    );
  };
  return Object.assign(grpcHandler, { [RAW]: handler });
}

/** The plain handler behind a method unary() made; undefined for a streaming method. */
export function rawHandler(served: object): Unary | undefined {
  return (served as { [RAW]?: Unary })[RAW];
}

/** A service whose methods are all unary, served from plain handlers. */
export function unaryService<Methods>(handlers: UnaryHandlers<Methods>): Implementation<Methods> {
  const served = Object.entries(handlers as unknown as Record<string, Unary>).map(([name, handler]) => [name, unary(handler)]);
  return Object.fromEntries(served) as Implementation<Methods>;
}
