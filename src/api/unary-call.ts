// A unary call as the handlers see it, whether it came over gRPC or the JSON gateway.

import type { Pb } from '../wire/convert.js';
import type { AuthContextCall } from './client-identity.js';

export interface UnaryCall extends AuthContextCall {
  readonly request: Pb;
}

export type Unary = (call: UnaryCall) => Promise<Pb>;
