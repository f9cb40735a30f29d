// Which nodes of a snapshot hold pods of a kind: pods carrying a given label (labelPairKey: namespace, key,
// value), pods with pod affinity or anti-affinity, pods with required anti-affinity. kube's
// PodTopologySpread PreScore counts the pods a selector matches on every node, once per pod: O(nodes) per
// cycle even when three pods in the cluster match; its InterPodAffinity walks the snapshot's lists of nodes
// with affinity pods (havePodsWithAffinityNodeInfoList, havePodsWithRequiredAntiAffinityNodeInfoList). The
// scheduler cache keeps this index as it rebuilds NodeInfos, so a plugin looks only at the nodes that can
// matter. It answers for the latest snapshot the cache made and no other: an older one, or an array built
// elsewhere (preemption's dry runs, tests), has none, and a plugin then scans every node.

import type { NodeInfo } from './node-info.js';

// Without the NUL bytes every labelPairKey holds, so no label pair is one of them.
const WITH_AFFINITY = 'podsWithAffinity';
const WITH_REQUIRED_ANTI_AFFINITY = 'podsWithRequiredAntiAffinity';

const EMPTY: ReadonlySet<NodeInfo> = new Set();

// A pod with required anti-affinity has affinity too, so a node holds none, the first or both.
const NO_AFFINITY: readonly string[] = [];
const AFFINITY_ONLY: readonly string[] = [WITH_AFFINITY];
const BOTH: readonly string[] = [WITH_AFFINITY, WITH_REQUIRED_ANTI_AFFINITY];

function affinityKinds(info: NodeInfo): readonly string[] {
  if (info.podsWithRequiredAntiAffinity.length > 0) return BOTH;
  return info.podsWithAffinity.length > 0 ? AFFINITY_ONLY : NO_AFFINITY;
}

export class SnapshotIndex {
  private readonly byKind = new Map<string, Set<NodeInfo>>();
  private current: readonly NodeInfo[] | undefined;

  /**
   * A node's info was rebuilt (`old` → `info`), added (no `old`) or removed (no `info`). Until the next
   * `describes`, the index answers for no snapshot.
   */
  replace(old: NodeInfo | undefined, info: NodeInfo | undefined): void {
    this.current = undefined;
    if (old) {
      for (const kind of old.podsByLabel.keys()) this.remove(kind, old);
      for (const kind of affinityKinds(old)) this.remove(kind, old);
    }
    if (info) {
      for (const kind of info.podsByLabel.keys()) this.add(kind, info);
      for (const kind of affinityKinds(info)) this.add(kind, info);
    }
  }

  private add(kind: string, info: NodeInfo): void {
    const holders = this.byKind.get(kind);
    if (holders) holders.add(info);
    else this.byKind.set(kind, new Set([info]));
  }

  private remove(kind: string, info: NodeInfo): void {
    const holders = this.byKind.get(kind)!;
    holders.delete(info);
    if (holders.size === 0) this.byKind.delete(kind);
  }

  /** `snapshot` is the node list the index now describes, the only one it answers for. */
  describes(snapshot: readonly NodeInfo[]): void {
    this.current = snapshot;
    indexes.set(snapshot, this);
  }

  holders(snapshot: readonly NodeInfo[], kind: string): ReadonlySet<NodeInfo> | undefined {
    return this.current === snapshot ? (this.byKind.get(kind) ?? EMPTY) : undefined;
  }
}

const indexes = new WeakMap<readonly NodeInfo[], SnapshotIndex>();

/** The nodes of `snapshot` holding a pod with this label pair, or undefined when nothing indexes it. */
export function nodesCarrying(snapshot: readonly NodeInfo[], pair: string): ReadonlySet<NodeInfo> | undefined {
  return indexes.get(snapshot)?.holders(snapshot, pair);
}

/** kube's HavePodsWithAffinityList: the nodes whose podsWithAffinity is not empty, or undefined unindexed. */
export function nodesWithPodsWithAffinity(snapshot: readonly NodeInfo[]): ReadonlySet<NodeInfo> | undefined {
  return indexes.get(snapshot)?.holders(snapshot, WITH_AFFINITY);
}

/** kube's HavePodsWithRequiredAntiAffinityList, or undefined when nothing indexes `snapshot`. */
export function nodesWithPodsWithRequiredAntiAffinity(snapshot: readonly NodeInfo[]): ReadonlySet<NodeInfo> | undefined {
  return indexes.get(snapshot)?.holders(snapshot, WITH_REQUIRED_ANTI_AFFINITY);
}
