// A bidirectional gRPC stream as its handlers see it (Watch, LeaseKeepAlive), whether grpc-js serves it or
// the client port's front end does (lean-duplex.ts); the JSON gateway's watch gives the same shape. Both
// give the TLS client identity through getAuthContext() (see client-identity.ts).

import type * as grpc from '@grpc/grpc-js';
import type { AuthContextCall } from './client-identity.js';

export interface DuplexCall<Request, Response> extends AuthContextCall {
  /** Sends one response; false once the transport holds enough (wait for 'drain'). */
  write(response: Response): boolean;
  /** Ends the stream with an OK status. */
  end(): void;
  on(event: 'data', listener: (request: Request) => void): unknown;
  on(event: 'end' | 'error' | 'cancelled', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  /** Ends the stream with the error's status. */
  emit(event: 'error', error: { code?: number; details?: string }): boolean;
  readonly metadata: Pick<grpc.Metadata, 'get'>;
}
