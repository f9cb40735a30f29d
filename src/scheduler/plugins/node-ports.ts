// NodePorts: a wanted host port conflicts with a used one of the same protocol and port when either
// binds 0.0.0.0 or both bind the same address.

import { podHostPorts, type HostPort } from '../node-info.js';
import { SUCCESS, unschedulable, type Plugin } from '../framework.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

function conflicts(wanted: HostPort, used: HostPort): boolean {
  if (wanted.port !== used.port || wanted.protocol !== used.protocol) return false;
  return wanted.ip === used.ip || wanted.ip === '0.0.0.0' || used.ip === '0.0.0.0';
}

export const nodePorts: Plugin = {
  name: 'NodePorts',
  forPod: (pod) => {
    const wanted = podHostPorts(pod);
    return {
      filter: ({ usedPorts }) => (wanted.some((w) => usedPorts.some((u) => conflicts(w, u))) ? unschedulable(ERR_REASON_NODE_PORTS) : SUCCESS),
    };
  },
};
