// Connections for the load generator, built from the same proto service definitions as the server, one per
// --conns as etcd's benchmark dials them; clients share connections round-robin. Unary calls go over a lean
// HTTP/2 client (unary.ts); watch and keep-alive streams through grpc-js, on a connection of their own.

import * as grpc from '@grpc/grpc-js';
import { serviceDefinition } from '../../src/wire/proto.js';
import { UnaryClient } from './unary.js';

// Wire messages as protobufjs decodes them: plain objects whose int64 fields are Long (or numbers).
export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Duplex = (metadata?: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<Message, Message>;

const constructors = {
  Watch: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch'),
  Lease: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Lease'), 'Lease'),
};

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

export class Connection {
  private readonly unaryClient: UnaryClient;
  private streams?: { channel: grpc.Channel; clients: Record<'Watch' | 'Lease', grpc.Client> };

  constructor(readonly endpoint: string) {
    this.unaryClient = new UnaryClient(endpoint);
  }

  /** Resolves once the connection for unary calls is up. */
  ready(timeoutMs: number): Promise<void> {
    return this.unaryClient.ready(timeoutMs);
  }

  /** One unary call with a deadline; rejects with the gRPC error. */
  unary(service: 'KV' | 'Lease' | 'Maintenance', method: string, request: Message, timeoutMs: number): Promise<Message> {
    return this.unaryClient.call(service, method, request, timeoutMs);
  }

  /** A bidirectional stream (watch, lease keep-alive), through grpc-js on a second HTTP/2 connection of this one's own. */
  stream(service: 'Watch' | 'Lease', method: string): grpc.ClientDuplexStream<Message, Message> {
    if (!this.streams) {
      const credentials = grpc.credentials.createInsecure();
      const channel = new grpc.Channel(this.endpoint, credentials, CHANNEL_OPTIONS);
      const make = (ctor: grpc.ServiceClientConstructor): grpc.Client => new ctor(this.endpoint, credentials, { channelOverride: channel });
      this.streams = { channel, clients: { Watch: make(constructors.Watch), Lease: make(constructors.Lease) } };
    }
    const client = this.streams.clients[service] as unknown as Record<string, Duplex>;
    return client[method]!.call(client);
  }

  close(): void {
    this.unaryClient.close();
    if (this.streams) {
      for (const client of Object.values(this.streams.clients)) client.close();
      this.streams.channel.close();
    }
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
