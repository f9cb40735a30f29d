// The default-scheduler profile: kube-scheduler's default plugins in their filter order, with their
// default score weights (TaintToleration 3; NodeAffinity, PodTopologySpread, InterPodAffinity 2;
// NodeResourcesFit and BalancedAllocation 1).

import type { Plugin } from './framework.js';
import type { NamespaceLabels } from './pod-affinity-term.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesFit, type ScoringStrategy } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread, type DefaultSelector } from './plugins/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration.js';

export interface WeightedPlugin {
  plugin: Plugin;
  /** Score weight; 0 for filter-only plugins. */
  weight: number;
}

export interface Profile {
  schedulerName: string;
  plugins: WeightedPlugin[];
  /** The profile's percentageOfNodesToScore; unset, the configuration's global one applies. */
  percentageOfNodesToScore?: number;
}

export interface ProfileOptions {
  scoringStrategy?: ScoringStrategy;
  percentageOfNodesToScore?: number;
  namespaceLabels?: NamespaceLabels;
  defaultSelector?: DefaultSelector;
}

export function defaultProfile(options: ProfileOptions = {}): Profile {
  return {
    schedulerName: 'default-scheduler',
    ...(options.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: options.percentageOfNodesToScore } : {}),
    plugins: [
      { plugin: nodeUnschedulable, weight: 0 },
      { plugin: nodeName, weight: 0 },
      { plugin: taintToleration, weight: 3 },
      { plugin: nodeAffinity, weight: 2 },
      { plugin: nodePorts, weight: 0 },
      { plugin: nodeResourcesFit(options.scoringStrategy), weight: 1 },
      { plugin: podTopologySpread(options.defaultSelector), weight: 2 },
      { plugin: interPodAffinity(options.namespaceLabels), weight: 2 },
      { plugin: balancedAllocation, weight: 1 },
    ],
  };
}
