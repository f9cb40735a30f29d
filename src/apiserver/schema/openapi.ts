// /openapi/v3: the index of group-versions and one OpenAPI 3.0 document per group-version, with the
// paths and operations kubectl reads (each kind's PATCH with x-kubernetes-group-version-kind and a
// fieldValidation parameter, so kubectl trusts server-side validation) and the schemas `kubectl
// explain` and client-side apply's strategic merge read.
import { createHash } from 'node:crypto';
import { componentName, isBuiltinSchema, refName } from './dsl.js';
import type { ResourceSpec, SchemaNode, SubresourceSpec } from './types.js';

export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaNode> };
}

/** 'v1' for the core group, 'apps/v1' otherwise. */
export const groupVersionOf = (spec: Pick<ResourceSpec, 'group' | 'version'>) => (spec.group ? `${spec.group}/${spec.version}` : spec.version);
/** The URL root of a group-version: 'api/v1' or 'apis/apps/v1'. */
export const groupVersionRoot = (groupVersion: string) => (groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`);

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const query = (name: string, type: string, description: string) => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParameter = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const DRY_RUN = query('dryRun', 'string', 'When present, indicates that modifications should not be persisted.');
const FIELD_MANAGER = query('fieldManager', 'string', 'A name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query('fieldValidation', 'string', 'How the server treats unknown or duplicate fields in the request: Ignore, Warn or Strict.');
const FORCE = query('force', 'boolean', "Force is going to \"force\" Apply requests: re-acquire conflicting fields owned by other people.");

function operationGroupName(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

interface Target {
  gvk: { group: string; version: string; kind: string };
  schema: string;
  action: string;
}

function operation(verb: string, spec: ResourceSpec, target: Target, extra: Record<string, unknown>): Record<string, unknown> {
  const id = `${verb}${operationGroupName(spec.group)}${spec.version.charAt(0).toUpperCase()}${spec.version.slice(1)}${spec.namespaced ? 'Namespaced' : ''}${target.gvk.kind}`;
  return {
    tags: [`${spec.group ? spec.group.replace(/\.k8s\.io$/, '').replace(/\./g, '') : 'core'}_${spec.version}`],
    operationId: id,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: schemaRef(target.schema) } } }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': target.action,
    'x-kubernetes-group-version-kind': target.gvk,
    ...extra,
  };
}

/** The schema a subresource takes and answers: its own kind's (Scale, Binding, Eviction) or the parent's. */
const subresourceSchema = (spec: ResourceSpec, sub: SubresourceSpec): string =>
  sub.responseKind ? componentName.api(sub.responseKind.group || 'core', sub.responseKind.version, sub.responseKind.kind) : spec.schemaName;

function createOperation(spec: ResourceSpec, target: Target): Record<string, unknown> {
  const requestBody = { content: { '*/*': { schema: schemaRef(target.schema) } }, required: true };
  return operation('create', spec, { ...target, action: 'post' }, { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody });
}

/** The operations on one object (or its subresource) for the verbs it serves. */
function objectOperations(spec: ResourceSpec, target: Target, builtin: boolean, verbs: readonly string[]): Record<string, unknown> {
  const body = { content: { '*/*': { schema: schemaRef(target.schema) } }, required: true };
  const patchTypes = builtin ? PATCH_TYPES : PATCH_TYPES.filter((t) => !t.includes('strategic'));
  const patchBody = { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: schemaRef(componentName.meta('Patch')) }])), required: true };
  return {
    ...(verbs.includes('get') ? { get: operation('read', spec, { ...target, action: 'get' }, {}) } : {}),
    ...(verbs.includes('update') ? { put: operation('replace', spec, { ...target, action: 'put' }, { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: body }) } : {}),
    ...(verbs.includes('patch') ? { patch: operation('patch', spec, { ...target, action: 'patch' }, { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], requestBody: patchBody }) } : {}),
  };
}

function resourcePaths(spec: ResourceSpec, builtin: boolean): Record<string, Record<string, unknown>> {
  const root = `/${groupVersionRoot(groupVersionOf(spec))}`;
  const scope = spec.namespaced ? `${root}/namespaces/{namespace}` : root;
  const common = [
    pathParameter('name', `name of the ${spec.kind}`),
    ...(spec.namespaced ? [pathParameter('namespace', 'object name and auth scope, such as for teams and projects')] : []),
    query('pretty', 'string', "If 'true', then the output is pretty printed."),
  ];
  const gvk = { group: spec.group, version: spec.version, kind: spec.kind };
  const self: Target = { gvk, schema: spec.schemaName, action: '' };
  const listTarget: Target = { gvk, schema: `${spec.schemaName}List`, action: 'list' };
  const verbs = spec.verbs;
  const collection = {
    ...(verbs.includes('list') ? { get: operation('list', spec, listTarget, {}) } : {}),
    ...(verbs.includes('create') ? { post: createOperation(spec, self) } : {}),
    ...(verbs.includes('deletecollection') ? { delete: operation('deletecollection', spec, { ...self, schema: componentName.meta('Status'), action: 'deletecollection' }, {}) } : {}),
    parameters: spec.namespaced ? [pathParameter('namespace', 'object name and auth scope, such as for teams and projects')] : [],
  };
  const paths: Record<string, Record<string, unknown>> = { [`${scope}/${spec.plural}`]: collection };
  // A create-only kind (the reviews) has no object path, as kube-apiserver publishes none.
  const item = {
    ...objectOperations(spec, self, builtin, verbs),
    ...(verbs.includes('delete') ? { delete: operation('delete', spec, { ...self, schema: componentName.meta('Status'), action: 'delete' }, { parameters: [DRY_RUN] }) } : {}),
  };
  if (Object.keys(item).length > 0) paths[`${scope}/${spec.plural}/{name}`] = { ...item, parameters: common };
  if (spec.namespaced && verbs.includes('list')) {
    const allNamespaces = operation('list', { ...spec, namespaced: false }, listTarget, {});
    paths[`${root}/${spec.plural}`] = { get: { ...allNamespaces, operationId: `${String(allNamespaces.operationId)}ForAllNamespaces` } };
  }
  for (const sub of spec.subresources) {
    const target: Target = { gvk: sub.responseKind ?? gvk, schema: subresourceSchema(spec, sub), action: '' };
    const operations = {
      ...objectOperations(spec, target, builtin, sub.verbs),
      ...(sub.verbs.includes('create') ? { post: createOperation(spec, target) } : {}),
    };
    paths[`${scope}/${spec.plural}/{name}/${sub.name}`] = { ...operations, parameters: common };
  }
  return paths;
}

/** Every component the given names reach through $refs. */
function closure(names: string[], components: Record<string, SchemaNode>): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  const pending = [...names];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const name = refName(node as SchemaNode);
      if (name && !(name in out)) pending.push(name);
      Object.values(node).forEach(visit);
    }
  };
  while (pending.length) {
    const name = pending.pop()!;
    if (name in out || !components[name]) continue;
    out[name] = components[name];
    visit(components[name]);
  }
  return out;
}

/** The document for one group-version ('v1', 'apps/v1'); builtin specs get strategic-merge PATCH bodies. */
export function openApiV3Document(groupVersion: string, specs: readonly ResourceSpec[], components: Record<string, SchemaNode>): OpenApiDocument {
  const served = specs.filter((spec) => groupVersionOf(spec) === groupVersion);
  const paths: OpenApiDocument['paths'] = {};
  const names = [componentName.meta('Patch'), componentName.meta('Status'), componentName.meta('DeleteOptions')];
  for (const spec of served) {
    Object.assign(paths, resourcePaths(spec, isBuiltinSchema(spec.schemaName)));
    names.push(spec.schemaName, ...(spec.verbs.includes('list') ? [`${spec.schemaName}List`] : []));
    for (const sub of spec.subresources) names.push(subresourceSchema(spec, sub));
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: closure(names, components) } };
}


export function documentHash(document: OpenApiDocument): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
}

/**
 * The `/openapi/v3` index: one entry per served group-version, whose URL carries a hash of the
 * document so clients may cache it (kubectl does). `serverBase` is the path the documents are served
 * under, '/openapi/v3' on a real server.
 */
export function openApiV3Index(
  specs: readonly ResourceSpec[],
  serverBase = '/openapi/v3',
  components?: Record<string, SchemaNode>,
): { paths: Record<string, { serverRelativeURL: string }> } {
  const groupVersions = [...new Set(specs.map(groupVersionOf))].sort();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions) {
    const hash = components
      ? documentHash(openApiV3Document(gv, specs, components))
      : createHash('sha512')
          .update(JSON.stringify(specs.filter((s) => groupVersionOf(s) === gv).map((s) => [s.kind, s.plural, s.schemaName, s.subresources.map((r) => r.name)])))
          .digest('hex')
          .toUpperCase();
    const root = groupVersionRoot(gv);
    paths[root] = { serverRelativeURL: `${serverBase}/${root}?hash=${hash}` };
  }
  return { paths };
}
