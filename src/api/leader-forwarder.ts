// Lease keep-alives and time-to-live are the leader's to answer (only its lessor tracks expiry); a
// follower passes them on to the leader's client URL and relays the answer.

import * as grpc from '@grpc/grpc-js';
import { Errors } from '../etcd-errors.js';
import { int64, toNumber, type Pb } from '../server/convert.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { serviceDefinition } from '../server/proto.js';

const LeaseClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Lease'), 'Lease');
type LeaseClientInstance = InstanceType<typeof LeaseClient> & Record<string, (...args: unknown[]) => unknown>;

export class LeaderForwarder {
  private clients = new Map<string, LeaseClientInstance>();

  constructor(private readonly server: EtcdServer) {}

  private leaderClient(): LeaseClientInstance {
    const leader = this.server.members.get(this.server.leaderId);
    const url = leader?.clientUrls[0];
    if (!url) throw Errors.noLeader();
    let client = this.clients.get(url);
    if (!client) {
      const { hostname, port } = new URL(url);
      client = new LeaseClient(`${hostname}:${port}`, grpc.credentials.createInsecure()) as LeaseClientInstance;
      this.clients.set(url, client);
    }
    return client;
  }

  keepAlive(id: bigint): Promise<number> {
    return new Promise((resolve, reject) => {
      const stream = this.leaderClient().LeaseKeepAlive() as grpc.ClientDuplexStream<Pb, Pb>;
      stream.on('data', (response: Pb) => {
        resolve(toNumber(response.TTL));
        stream.end();
      });
      stream.on('error', () => reject(Errors.noLeader()));
      stream.write({ ID: int64(id) });
    });
  }

  timeToLive(request: Pb): Promise<Pb> {
    return new Promise((resolve, reject) => {
      this.leaderClient().LeaseTimeToLive(request, (err: grpc.ServiceError | null, response: Pb) => {
        if (err) reject(Errors.noLeader());
        else resolve({ ...response, header: this.server.header() });
      });
    });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
