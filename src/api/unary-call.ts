// A unary call as the handlers see it, whether it came over gRPC or the JSON gateway.

import type * as pb from '../wire/messages.js';
import type { AuthContextCall } from './client-identity.js';

export interface UnaryCall<Request = unknown> extends AuthContextCall {
  readonly request: Request;
  /** When the client stops waiting (its grpc-timeout), as a performance.now() time; absent without one. */
  readonly deadline?: number;
  /** True once the call is over: answered, failed, or cancelled by the client (absent: not known). */
  readonly ended?: boolean;
}

export type AnyRpc = pb.Rpc<unknown, unknown, unknown, unknown>;

/** The handler of one method: its decoded request in, its response (as encode() takes it) out. */
export type Unary<M extends AnyRpc = AnyRpc> = (call: UnaryCall<M['request']>) => Promise<M['responseInit']>;

/** Handlers for every method of a service that is all unary (Auth). */
export type UnaryHandlers<Methods> = { [K in keyof Methods]: Methods[K] extends AnyRpc ? Unary<Methods[K]> : never };
