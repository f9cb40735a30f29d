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
      const { hostname, port, protocol } = new URL(url);
      client = new LeaseClient(`${hostname}:${port}`, protocol === 'https:' ? this.tlsCredentials() : grpc.credentials.createInsecure()) as LeaseClientInstance;
      this.clients.set(url, client);
    }
    return client;
  }

  /**
   * Credentials for the leader's https:// client URL: this member's client certificate (which the leader
   * requires under --client-cert-auth), the leader's checked against the trusted CA — or not checked when
   * both are --auto-tls's self-signed ones.
   */
  private tlsCredentials(): grpc.ChannelCredentials {
    const tls = this.server.config.clientTls;
    if (!tls) return grpc.credentials.createSsl();
    return grpc.credentials.createSsl(tls.ca ?? null, tls.key, tls.cert, tls.selfSigned ? { rejectUnauthorized: false } : {});
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
