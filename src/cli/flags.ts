// Flag values shared by barge and bargectl, parsed as etcd parses them.

export function urlList(value: string): string[] {
  return value.split(',').map((u) => u.trim()).filter((u) => u.length > 0);
}

/** "a=http://h:1,b=http://h:2,a=http://h:3" → a → [h:1, h:3], b → [h:2] */
export function parseInitialCluster(value: string): Map<string, string[]> {
  const cluster = new Map<string, string[]>();
  for (const part of urlList(value)) {
    const at = part.indexOf('=');
    if (at <= 0) throw new Error(`invalid --initial-cluster entry "${part}" (expected name=peer-url)`);
    const name = part.slice(0, at);
    cluster.set(name, [...(cluster.get(name) ?? []), part.slice(at + 1)]);
  }
  return cluster;
}

/** Where one member listens and what it advertises. */
export interface MemberAddresses {
  readonly name: string;
  readonly dataDir: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** The peer URL the others reach it at, when that is not the one it listens on (a proxy in between). */
  readonly advertisedPeerUrl?: string;
}

/** etcd's flags that start `member` as one of `cluster`, founding it ('new') or joining it ('existing'). */
export function memberFlags(member: MemberAddresses, cluster: readonly MemberAddresses[], clusterToken: string, clusterState: 'new' | 'existing' = 'new'): string[] {
  const advertised = (m: MemberAddresses): string => m.advertisedPeerUrl ?? m.peerUrl;
  return [
    `--name=${member.name}`,
    `--data-dir=${member.dataDir}`,
    `--listen-client-urls=${member.clientUrl}`,
    `--advertise-client-urls=${member.clientUrl}`,
    `--listen-peer-urls=${member.peerUrl}`,
    `--initial-advertise-peer-urls=${advertised(member)}`,
    `--initial-cluster=${cluster.map((m) => `${m.name}=${advertised(m)}`).join(',')}`,
    `--initial-cluster-state=${clusterState}`,
    `--initial-cluster-token=${clusterToken}`,
  ];
}
