// Which peers the transport dials: every member in the registry, and until the founding entries apply
// on a fresh data dir, the founders named by --initial-cluster.

import type { NodeId } from '../raft/index.js';
import { memberIdOf, type MemberRegistry } from './members.js';
import type { ServerConfig } from './server-config.js';

export class PeerDirectory {
  /** Peer URLs known from --initial-cluster, used until the member list (from the log) names them. */
  private readonly fromFlags = new Map<NodeId, readonly string[]>();

  constructor(
    private readonly selfId: NodeId,
    private readonly members: MemberRegistry,
    private readonly setPeers: (peers: ReadonlyMap<NodeId, readonly string[]>) => void,
  ) {}

  /** A fresh data dir: the founders' URLs come from the flags until their entries apply. */
  seedFromFlags(config: ServerConfig): void {
    if (this.members.list().length > 0) return;
    for (const peerUrls of config.initialCluster.values()) this.fromFlags.set(memberIdOf(peerUrls, config.initialClusterToken), peerUrls);
  }

  /** Hands the transport the peers as the registry now has them. */
  refresh(): void {
    const peers = new Map<NodeId, readonly string[]>();
    for (const [id, urls] of this.fromFlags) if (id !== this.selfId && !this.members.isRemoved(id)) peers.set(id, urls);
    for (const member of this.members.list()) if (member.id !== this.selfId) peers.set(member.id, member.peerUrls);
    this.setPeers(peers);
  }
}
