// Hollow kubelets: nodes that register, heartbeat and run pods without containers.

export { HollowKubelet, type HollowKubeletOptions } from './hollow-kubelet.js';
export { containerProgram, type ContainerProgram } from './container-program.js';
export type { NodeSize } from './node-object.js';
