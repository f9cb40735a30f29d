// --enable-admission-plugins: the plugins by kube's names, run in kube-apiserver's fixed order
// whatever order the flag lists them in. NamespaceLifecycle is always on (the registry refuses creates
// in a terminating namespace), so naming it is accepted.

import { AdmissionChain, type AdmissionPlugin } from './admission-chain.js';
import { limitRanger } from './limit-ranger.js';
import { nodeRestriction } from './node-restriction.js';
import { defaultTolerationSeconds, serviceAccount } from './pod-plugins.js';
import { priority } from './priority.js';
import { resourceQuota } from './resource-quota.js';
import { validatingAdmissionPolicy } from './validating-admission-policy.js';
import { mutatingAdmissionWebhook, validatingAdmissionWebhook } from './webhook-admission.js';

/** Upstream's order (pkg/kubeapiserver/options/plugins.go AllOrderedPlugins), those served here. */
const ORDERED: readonly (AdmissionPlugin | 'NamespaceLifecycle')[] = ['NamespaceLifecycle', limitRanger, serviceAccount, nodeRestriction, defaultTolerationSeconds, priority, mutatingAdmissionWebhook, validatingAdmissionPolicy, validatingAdmissionWebhook, resourceQuota];

export const ADMISSION_PLUGIN_NAMES: readonly string[] = ORDERED.map((p) => (typeof p === 'string' ? p : p.name));

export function parseAdmissionPlugins(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  for (const n of names) {
    if (!ADMISSION_PLUGIN_NAMES.includes(n)) throw new Error(`enable-admission-plugins plugin "${n}" is unknown (supported: ${ADMISSION_PLUGIN_NAMES.join(', ')})`);
  }
  return names;
}

export function admissionChain(enabled: readonly string[]): AdmissionChain {
  return new AdmissionChain(ORDERED.filter((p): p is AdmissionPlugin => typeof p !== 'string' && enabled.includes(p.name)));
}
