// NodeRestriction, basics: a kubelet may create or change only its own Node and Lease, and change the
// status of, or delete, only pods bound to it (plugin/pkg/admission/noderestriction).

import { nodeNameOf } from '../authz/node-authorizer.js';
import { admissionForbidden, type AdmissionPlugin } from './admission-chain.js';

export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  validate(r) {
    const node = nodeNameOf(r.user);
    if (node === undefined) return;
    if (r.group === '' && r.resource === 'nodes' && r.name !== node) throw admissionForbidden(r, `node "${node}" is not allowed to modify node "${r.name}"`);
    if (r.group === 'coordination.k8s.io' && r.resource === 'leases' && r.name !== node) throw admissionForbidden(r, 'can only access node lease with the same name as the requesting node');
    if (r.group === '' && r.resource === 'pods') {
      const boundTo = ((r.old ?? r.obj)['spec'] as { nodeName?: string } | undefined)?.nodeName;
      if (r.subresource === 'status' && boundTo !== node) throw admissionForbidden(r, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      if (r.subresource === '' && r.operation === 'CREATE' && boundTo !== node) throw admissionForbidden(r, `node "${node}" can only create pods with spec.nodeName set to itself`);
      if (r.subresource === '' && r.operation === 'UPDATE') throw admissionForbidden(r, `node "${node}" can only update pod status`);
    }
  },
};
