// etcd's leasepb.LeaseInternalRequest and LeaseInternalResponse: a time-to-live request or answer wrapped
// in field 1, the body of POST /leases/internal between a follower and the leader.

import protobuf from 'protobufjs';
import { protoRoot } from '../wire/proto.js';

function wrapper(name: string, field: string, type: string): protobuf.Type {
  const wrapped = new protobuf.Type(name).add(new protobuf.Field(field, 1, type));
  (protoRoot.lookup('leasepb') as protobuf.Namespace | null ?? protoRoot.define('leasepb')).add(wrapped);
  wrapped.resolveAll();
  return wrapped;
}

export const LeaseInternalRequest = wrapper('LeaseInternalRequest', 'LeaseTimeToLiveRequest', '.etcdserverpb.LeaseTimeToLiveRequest');
export const LeaseInternalResponse = wrapper('LeaseInternalResponse', 'LeaseTimeToLiveResponse', '.etcdserverpb.LeaseTimeToLiveResponse');
