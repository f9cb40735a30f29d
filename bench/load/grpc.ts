// gRPC connections for the load generator, built from the same proto service definitions as the server.
// Each connection is its own HTTP/2 connection (a private subchannel pool), as etcd's benchmark dials one
// connection per --conns; clients share connections round-robin.

import * as grpc from '@grpc/grpc-js';
import { serviceDefinition } from '../../src/server/proto.js';

// Wire messages as protobufjs decodes them: plain objects whose int64 fields are Long (or numbers).
export type Message = Record<string, any>;

type Unary = (request: Message, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: Message) => void) => grpc.ClientUnaryCall;
type Duplex = (metadata?: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<Message, Message>;

const constructors = {
  KV: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.KV'), 'KV'),
  Watch: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch'),
  Lease: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Lease'), 'Lease'),
  Maintenance: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Maintenance'), 'Maintenance'),
};

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

export class Connection {
  readonly channel: grpc.Channel;
  private readonly clients: Record<keyof typeof constructors, grpc.Client>;

  constructor(readonly endpoint: string) {
    const credentials = grpc.credentials.createInsecure();
    this.channel = new grpc.Channel(endpoint, credentials, CHANNEL_OPTIONS);
    const make = (ctor: grpc.ServiceClientConstructor): grpc.Client => new ctor(endpoint, credentials, { channelOverride: this.channel });
    this.clients = {
      KV: make(constructors.KV),
      Watch: make(constructors.Watch),
      Lease: make(constructors.Lease),
      Maintenance: make(constructors.Maintenance),
    };
  }

  /** One unary call with a deadline; rejects with the gRPC error. */
  unary(service: keyof typeof constructors, method: string, request: Message, timeoutMs: number): Promise<Message> {
    const client = this.clients[service] as unknown as Record<string, Unary>;
    const call = client[method];
    if (!call) throw new Error(`no method ${service}.${method}`);
    return new Promise((resolve, reject) => {
      call.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, response) => {
        if (err) reject(err);
        else resolve(response!);
      });
    });
  }

  stream(service: 'Watch' | 'Lease', method: string): grpc.ClientDuplexStream<Message, Message> {
    const client = this.clients[service] as unknown as Record<string, Duplex>;
    return client[method]!.call(client);
  }

  close(): void {
    for (const client of Object.values(this.clients)) client.close();
    this.channel.close();
  }
}

/** The endpoint whose member says it is the leader (asked of every endpoint until one answers). */
export async function findLeader(endpoints: readonly string[], timeoutMs = 5000): Promise<string> {
  const answers = await Promise.allSettled(
    endpoints.map(async (endpoint) => {
      const connection = new Connection(endpoint);
      try {
        const status = await connection.unary('Maintenance', 'Status', {}, timeoutMs);
        return { endpoint, member: String(status['header']?.['member_id']), leader: String(status['leader']) };
      } finally {
        connection.close();
      }
    }),
  );
  for (const answer of answers) {
    if (answer.status === 'fulfilled' && answer.value.leader !== '0' && answer.value.member === answer.value.leader) return answer.value.endpoint;
  }
  const reasons = answers.map((a, i) => `${endpoints[i]}: ${a.status === 'fulfilled' ? `leader ${a.value.leader}` : String(a.reason)}`);
  throw new Error(`no endpoint is the leader (${reasons.join('; ')})`);
}

/** A short message for an error, so that errors of one kind are counted together. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && 'details' in err) {
    const e = err as grpc.ServiceError;
    return `${grpc.status[e.code] ?? e.code}: ${e.details}`;
  }
  return err instanceof Error ? err.message : String(err);
}
