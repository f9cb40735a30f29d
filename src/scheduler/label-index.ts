// Which nodes of a snapshot hold a pod carrying a given label (labelPairKey: namespace, key, value). kube's
// PodTopologySpread PreScore counts the pods a selector matches on every node, once per pod: O(nodes) per
// cycle even when three pods in the cluster match. The scheduler cache keeps this index as it rebuilds
// NodeInfos, so that count looks only at the nodes holding a pod with the selector's first label. It
// answers for the latest snapshot the cache made and no other: an older one, or an array built elsewhere
// (preemption's dry runs, tests), has none, and a plugin then scans every node.

import type { NodeInfo } from './node-info.js';

const EMPTY: ReadonlySet<NodeInfo> = new Set();

export class LabelIndex {
  private readonly byPair = new Map<string, Set<NodeInfo>>();
  private current: readonly NodeInfo[] | undefined;

  /**
   * A node's info was rebuilt (`old` → `info`), added (no `old`) or removed (no `info`). Until the next
   * `describes`, the index answers for no snapshot.
   */
  replace(old: NodeInfo | undefined, info: NodeInfo | undefined): void {
    this.current = undefined;
    if (old) {
      for (const pair of old.podsByLabel.keys()) {
        const holders = this.byPair.get(pair)!;
        holders.delete(old);
        if (holders.size === 0) this.byPair.delete(pair);
      }
    }
    if (info) {
      for (const pair of info.podsByLabel.keys()) {
        const holders = this.byPair.get(pair);
        if (holders) holders.add(info);
        else this.byPair.set(pair, new Set([info]));
      }
    }
  }

  /** `snapshot` is the node list the index now describes, the only one it answers for. */
  describes(snapshot: readonly NodeInfo[]): void {
    this.current = snapshot;
    indexes.set(snapshot, this);
  }

  holders(snapshot: readonly NodeInfo[], pair: string): ReadonlySet<NodeInfo> | undefined {
    return this.current === snapshot ? (this.byPair.get(pair) ?? EMPTY) : undefined;
  }
}

const indexes = new WeakMap<readonly NodeInfo[], LabelIndex>();

/** The nodes of `snapshot` holding a pod with this label pair, or undefined when nothing indexes it. */
export function nodesCarrying(snapshot: readonly NodeInfo[], pair: string): ReadonlySet<NodeInfo> | undefined {
  return indexes.get(snapshot)?.holders(snapshot, pair);
}
