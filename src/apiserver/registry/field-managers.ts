// managedFields on writes that are not applies: the field manager is the fieldManager parameter or the
// client's user agent, and the fields each write set are recorded as its (engineer C's tracker).

import type { IncomingMessage } from 'node:http';
import { managerOrUserAgent, trackManagedFields } from '../patch/index.js';
import type { KubeObject, ResourceSpec, SchemaNode } from '../schema/types.js';
import { hasStatus } from './object-meta.js';

/** Fields an endpoint resets, whose ownership is not tracked there. */
export function ignoredFields(spec: ResourceSpec, subresource: string | undefined): string[][] {
  if (subresource === 'status') return [['spec'], ['metadata']];
  return hasStatus(spec) ? [['status']] : [];
}

export function fieldManager(query: URLSearchParams, req: IncomingMessage): string {
  return managerOrUserAgent(query.get('fieldManager') ?? undefined, req.headers['user-agent']);
}

export interface TrackInput {
  readonly spec: ResourceSpec;
  readonly components: Record<string, SchemaNode>;
  readonly manager: string;
  readonly subresource?: string;
  readonly now: Date;
}

export function recordUpdate(input: TrackInput, old: KubeObject | undefined, updated: KubeObject): KubeObject {
  return trackManagedFields({
    old,
    updated,
    manager: input.manager,
    operation: 'Update',
    ...(input.subresource ? { subresource: input.subresource } : {}),
    schemaName: input.spec.schemaName,
    components: input.components,
    now: input.now,
    ignoredFields: ignoredFields(input.spec, input.subresource),
  });
}
