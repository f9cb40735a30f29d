// Shared test helpers: the built-in spec of a kind, and causes as the Status message prints them.
import { builtinResources } from '../../../../src/apiserver/resources/index.js';
import type { FieldCause, KubeObject, ResourceSpec } from '../../../../src/apiserver/schema/types.js';

const specs = builtinResources();

export function specFor(group: string, kind: string): ResourceSpec {
  const spec = specs.find((s) => s.group === group && s.kind === kind);
  if (!spec) throw new Error(`no ${kind} in ${group || 'core'}`);
  return spec;
}

export const printed = (causes: readonly FieldCause[]) => causes.map((c) => `${c.field}: ${c.message}`);

/** Defaults then validates, as the apiserver does before storing. */
export function admitted(spec: ResourceSpec, obj: KubeObject, old?: KubeObject): string[] {
  spec.defaults(obj, old);
  return printed(spec.validate(obj, old));
}

export const pod = (spec: Record<string, unknown>, name = 'web'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec,
});

export const deployment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec,
});

export const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }], ...extra },
});
