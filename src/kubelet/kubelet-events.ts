// The events a kubelet records about a pod's containers, with its reasons and 1.32's messages.

import { goDuration } from '../shared/go-time.js';

export interface KubeletEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export const kubeletEvents = {
  pulling: (image: string): KubeletEvent => ({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` }),
  pulled: (image: string, pullMs: number, sizeBytes: number): KubeletEvent => {
    // The kubelet prints the pull time truncated to milliseconds.
    const pullText = goDuration(BigInt(Math.trunc(pullMs)) * 1_000_000n);
    return {
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image "${image}" in ${pullText} (${pullText} including waiting). Image size: ${sizeBytes} bytes.`,
    };
  },
  alreadyPresent: (image: string): KubeletEvent => ({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine` }),
  created: (container: string): KubeletEvent => ({ type: 'Normal', reason: 'Created', message: `Created container: ${container}` }),
  started: (container: string): KubeletEvent => ({ type: 'Normal', reason: 'Started', message: `Started container ${container}` }),
  killing: (container: string): KubeletEvent => ({ type: 'Normal', reason: 'Killing', message: `Stopping container ${container}` }),
  backOff: (container: string, pod: string, namespace: string, uid: string): KubeletEvent => ({
    type: 'Warning',
    reason: 'BackOff',
    message: `Back-off restarting failed container ${container} in pod ${pod}_${namespace}(${uid})`,
  }),
};

/** The fieldPath kubelet events carry for a container. */
export function containerFieldPath(container: string): string {
  return `spec.containers{${container}}`;
}
