// CustomResourceDefinition validation (apiextensions-apiserver's validation.go), the parts a CRD
// author meets: names, group, scope, versions, and structural schemas.
import { child, index, invalid, notSupported, RawValue, required } from '../schema/field-errors.js';
import { dns1123Label, dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { isRecord, recordAt, recordsAt, stringAt, type Json } from './json-access.js';

/** Structural schemas need a type on every specified node, unless it preserves unknown fields or is int-or-string. */
function validateStructural(node: Json, path: string, causes: FieldCause[]): void {
  const typeless = node.type === undefined && node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true;
  if (typeless && path.includes('.properties[')) causes.push(required(child(path, 'type'), 'must not be empty for specified object fields'));
  for (const [name, property] of Object.entries(recordAt(node, 'properties') ?? {})) {
    if (isRecord(property)) validateStructural(property, `${path}.properties[${name}]`, causes);
  }
  const items = recordAt(node, 'items');
  if (items) validateStructural(items, child(path, 'items'), causes);
  const additional = recordAt(node, 'additionalProperties');
  if (additional) validateStructural(additional, child(path, 'additionalProperties'), causes);
}

export function validateCustomResourceDefinition(crd: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(crd, false, dns1123Subdomain);
  const spec = recordAt(crd, 'spec') ?? {};
  const names = recordAt(spec, 'names') ?? {};
  const group = stringAt(spec, 'group') ?? '';
  const plural = stringAt(names, 'plural') ?? '';
  if (crd.metadata?.name !== `${plural}.${group}`) causes.push(invalid('metadata.name', crd.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!group) causes.push(required('spec.group'));
  else if (!group.includes('.')) causes.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  else for (const message of dns1123Subdomain(group)) causes.push(invalid('spec.group', group, message));
  const scope = stringAt(spec, 'scope') ?? '';
  if (scope !== 'Cluster' && scope !== 'Namespaced') causes.push(scope ? notSupported('spec.scope', scope, ['Cluster', 'Namespaced']) : required('spec.scope'));
  if (!plural) causes.push(required('spec.names.plural'));
  else for (const message of dns1123Label(plural)) causes.push(invalid('spec.names.plural', plural, message));
  if (!stringAt(names, 'kind')) causes.push(required('spec.names.kind'));
  const versions = recordsAt(spec, 'versions');
  if (versions.length === 0) causes.push(required('spec.versions'));
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    causes.push(invalid('spec.versions', new RawValue('[]apiextensions.CustomResourceDefinitionVersion{...}'), 'must have exactly one version marked as storage version'));
  }
  const seen = new Set<string>();
  versions.forEach((version, i) => {
    const at = index('spec.versions', i);
    const name = stringAt(version, 'name') ?? '';
    if (!name) causes.push(required(child(at, 'name')));
    else for (const message of dns1123Label(name)) causes.push(invalid(child(at, 'name'), name, message));
    if (seen.has(name)) causes.push(invalid('spec.versions', new RawValue('[]apiextensions.CustomResourceDefinitionVersion{...}'), 'must contain unique version names'));
    seen.add(name);
    const schema = recordAt(recordAt(version, 'schema'), 'openAPIV3Schema');
    const schemaPath = `${at}.schema.openAPIV3Schema`;
    if (!schema) causes.push(required(schemaPath, 'schemas are required'));
    else {
      if (schema.type !== 'object') causes.push(invalid(child(schemaPath, 'type'), schema.type ?? '', 'must be object at the root'));
      validateStructural(schema, schemaPath, causes);
    }
  });
  return causes;
}
