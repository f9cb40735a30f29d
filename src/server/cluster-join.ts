// Joining a running cluster (--initial-cluster-state=existing): the member list comes from a peer's
// /members, the same JSON etcd's peer handler serves, and this member finds itself in it by peer URL.

import type { Member } from './members.js';
import type { ServerConfig } from './server-config.js';
import { dialAddressFor, getFromPeer } from './transport.js';

interface MemberJson {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/** The member list as a peer's /members answers it. */
export function membersJson(members: readonly Member[]): string {
  return JSON.stringify(
    members.map((m): MemberJson => ({ id: m.id.toString(16), name: m.name, peerURLs: [...m.peerUrls], clientURLs: [...m.clientUrls], isLearner: m.isLearner })),
  );
}

/** Asks the members named in --initial-cluster for the member list and finds this member in it by peer URL. */
export async function fetchClusterFromPeers(config: ServerConfig): Promise<{ id: bigint; clusterId: bigint; members: Member[] }> {
  const own = new Set(config.initialAdvertisePeerUrls);
  const peers = [...config.initialCluster.entries()].filter(([name]) => name !== config.name).flatMap(([, urls]) => urls);
  for (const url of peers) {
    try {
      const response = await getFromPeer(`${url}/members`, {
        tls: config.peerTls,
        localAddress: config.listenPeerUrls[0] === undefined ? undefined : dialAddressFor(config.listenPeerUrls[0]),
        timeoutMs: 2000,
      });
      if (response.status !== 200) throw new Error(`GET /members answered ${response.status}`);
      const listed = JSON.parse(response.body) as MemberJson[];
      const header = response.headers['x-etcd-cluster-id'];
      const clusterId = BigInt(`0x${typeof header === 'string' ? header : '0'}`);
      const members = listed.map((m) => ({ id: BigInt(`0x${m.id}`), name: m.name, peerUrls: m.peerURLs, clientUrls: m.clientURLs, isLearner: m.isLearner }));
      const self = members.find((m) => m.peerUrls.some((u) => own.has(u)));
      if (!self) throw new Error(`this member's peer URLs are not in the cluster's member list; was it added with "member add"?`);
      return { id: self.id, clusterId, members };
    } catch (err) {
      if (err instanceof Error && err.message.includes('member add')) throw err;
      config.log('warn', 'could not get the member list from a peer', { peer: url, error: String(err) });
    }
  }
  throw new Error('could not get the cluster member list from any peer in --initial-cluster');
}
