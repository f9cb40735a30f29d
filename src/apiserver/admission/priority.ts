// Priority: a pod's priorityClassName resolved to its integer priority and preemption policy (the
// global default class, or 0, when it names none); one global default class at most; and the system
// classes created at start, as kube-apiserver's scheduling bootstrap does.

import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import { prepareCreate } from '../registry/object-meta.js';
import { SYSTEM_PRIORITY_CLASSES } from '../resources/priority-class.js';
import type { KubeObject } from '../schema/types.js';
import { admissionForbidden, type AdmissionPlugin, type AdmissionRequest } from './admission-chain.js';
import { freshList } from './fresh-list.js';

const GROUP = 'scheduling.k8s.io';

async function priorityClasses(r: AdmissionRequest): Promise<KubeObject[]> {
  const spec = r.ctx.registry.find(GROUP, 'v1', 'priorityclasses');
  return spec ? freshList(r.ctx, spec.storagePath, '') : [];
}

async function createSystemClasses(ctx: ApiContext): Promise<void> {
  const spec = ctx.registry.find(GROUP, 'v1', 'priorityclasses');
  if (!spec) return;
  for (const c of SYSTEM_PRIORITY_CLASSES) {
    const key = ctx.store.key(spec.storagePath, undefined, c.name);
    if (await ctx.store.get(key)) continue;
    const obj: KubeObject = { apiVersion: `${GROUP}/v1`, kind: 'PriorityClass', metadata: { name: c.name }, value: c.value, description: c.description };
    prepareCreate(spec, obj, undefined, ctx.now());
    spec.defaults(obj, undefined);
    await ctx.store.create(key, obj, { group: GROUP, resource: 'priorityclasses' }).catch((err: unknown) => {
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    });
  }
}

async function admitPod(r: AdmissionRequest): Promise<void> {
  const spec = (r.obj['spec'] ??= {}) as Record<string, unknown>;
  const classes = await priorityClasses(r);
  const name = spec['priorityClassName'] as string | undefined;
  let value = 0;
  let policy: unknown = 'PreemptLowerPriority';
  if (name) {
    const found = classes.find((c) => c.metadata?.name === name);
    if (!found) throw admissionForbidden(r, `no PriorityClass with name ${name} was found`);
    value = found['value'] as number;
    policy = found['preemptionPolicy'] ?? policy;
  } else {
    const global = classes.filter((c) => c['globalDefault'] === true).sort((a, b) => (a['value'] as number) - (b['value'] as number))[0];
    if (global) {
      spec['priorityClassName'] = global.metadata?.name;
      value = global['value'] as number;
      policy = global['preemptionPolicy'] ?? policy;
    }
  }
  // The pod defaults already filled priority and preemptionPolicy in (as if no class existed), so a
  // value the client sent cannot be told from them here: the class's values replace both.
  spec['priority'] = value;
  spec['preemptionPolicy'] = policy;
}

async function admitClass(r: AdmissionRequest): Promise<void> {
  if (r.obj['globalDefault'] !== true) return;
  const other = (await priorityClasses(r)).find((c) => c['globalDefault'] === true && c.metadata?.name !== r.name);
  if (other) throw admissionForbidden(r, `PriorityClass ${other.metadata?.name ?? ''} is already marked as default. Only one default can exist`);
}

export const priority: AdmissionPlugin = {
  name: 'Priority',
  start: createSystemClasses,
  async mutate(r) {
    if (r.operation === 'CREATE' && r.group === '' && r.resource === 'pods' && r.subresource === '') await admitPod(r);
  },
  async validate(r) {
    if (r.group === GROUP && r.resource === 'priorityclasses') await admitClass(r);
  },
};
