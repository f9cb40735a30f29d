// Lease keep-alives and time-to-live are the leader's to answer (only its lessor tracks expiry), and so
// is promoting a learner (only the leader knows how far the learner's log is); a follower passes them
// on to the leader's client URL and relays the answer.

import * as grpc from '@grpc/grpc-js';
import { EtcdError, Errors } from '../etcd-errors.js';
import { int64, toNumber, type Pb } from '../wire/convert.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { serviceDefinition } from '../wire/proto.js';

const clientConstructors = {
  Lease: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Lease'), 'Lease'),
  Cluster: grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Cluster'), 'Cluster'),
};
type ForwardingClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

export class LeaderForwarder {
  private clients = new Map<string, ForwardingClient>();

  constructor(private readonly server: EtcdServer) {}

  private leaderClient(service: keyof typeof clientConstructors = 'Lease'): ForwardingClient {
    const leader = this.server.members.get(this.server.leaderId);
    const url = leader?.clientUrls[0];
    if (!url) throw Errors.noLeader();
    let client = this.clients.get(`${service} ${url}`);
    if (!client) {
      const { hostname, port, protocol } = new URL(url);
      const credentials = protocol === 'https:' ? this.tlsCredentials() : grpc.credentials.createInsecure();
      client = new clientConstructors[service](`${hostname}:${port}`, credentials) as ForwardingClient;
      this.clients.set(`${service} ${url}`, client);
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

  /** MemberPromote on the leader, its answer or its error relayed as they are. */
  promote(request: Pb): Promise<Pb> {
    return new Promise((resolve, reject) => {
      this.leaderClient('Cluster').MemberPromote(request, (err: grpc.ServiceError | null, response: Pb) => {
        if (err) reject(err.code === grpc.status.UNAVAILABLE ? Errors.noLeader() : new EtcdError(err.code as number, err.details));
        else resolve(response);
      });
    });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
