// /openapi/v2: the Swagger 2.0 form of the same per-kind schemas and operations the v3 documents carry,
// in one document as kube-apiserver serves it: definitions instead of components, body parameters
// instead of request bodies, parameter types inline, and consumes/produces lists.
import { openApiV3Document, groupVersionOf } from './openapi.js';
import type { ResourceSpec, SchemaNode } from './types.js';

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, unknown>;
}

const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A schema with refs into #/definitions and a described lone-ref allOf as `$ref` beside its description. */
function schemaV2(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(schemaV2);
  if (!isJson(node)) return node;
  const out: Json = {};
  const allOf = node['allOf'];
  const loneRef = Array.isArray(allOf) && allOf.length === 1 && isJson(allOf[0]) && typeof allOf[0]['$ref'] === 'string' ? (allOf[0]['$ref'] as string) : undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'allOf' && loneRef) continue;
    // Swagger 2.0 ignores a $ref's siblings but for its description; defaults live in v3 only there.
    if (key === 'default' && (loneRef || typeof node['$ref'] === 'string')) continue;
    out[key] = key === '$ref' ? (value as string).replace('#/components/schemas/', '#/definitions/') : schemaV2(value);
  }
  if (loneRef) out['$ref'] = loneRef.replace('#/components/schemas/', '#/definitions/');
  return out;
}

/** A v3 query or path parameter with its schema's type inline. */
function parameterV2(parameter: unknown): unknown {
  if (!isJson(parameter)) return parameter;
  const { schema, ...rest } = parameter;
  return { ...rest, ...(isJson(schema) ? schema : {}) };
}

function operationV2(operation: Json): Json {
  const { requestBody, responses, parameters, ...rest } = operation;
  const content = isJson(requestBody) && isJson(requestBody['content']) ? requestBody['content'] : undefined;
  const bodySchema = content ? Object.values(content).find(isJson)?.['schema'] : undefined;
  const responsesV2 = Object.fromEntries(
    Object.entries(isJson(responses) ? responses : {}).map(([code, response]) => {
      const schema = isJson(response) && isJson(response['content']) ? (Object.values(response['content']).find(isJson)?.['schema']) : undefined;
      return [code, { description: isJson(response) ? response['description'] : '', ...(schema ? { schema: schemaV2(schema) } : {}) }];
    }),
  );
  return {
    consumes: content ? Object.keys(content) : ['*/*'],
    produces: PRODUCES,
    schemes: ['https'],
    ...rest,
    parameters: [
      ...(bodySchema ? [{ name: 'body', in: 'body', required: true, schema: schemaV2(bodySchema) }] : []),
      ...(Array.isArray(parameters) ? parameters.map(parameterV2) : []),
    ],
    responses: responsesV2,
  };
}

function pathV2(item: Record<string, unknown>): Json {
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => {
      if (key === 'parameters') return [key, Array.isArray(value) ? value.map(parameterV2) : value];
      return [key, HTTP_METHODS.has(key) && isJson(value) ? operationV2(value) : value];
    }),
  );
}

/** The one Swagger 2.0 document of every served resource. */
export function openApiV2Document(specs: readonly ResourceSpec[], components: Record<string, SchemaNode>): SwaggerDocument {
  const paths: SwaggerDocument['paths'] = {};
  const definitions: SwaggerDocument['definitions'] = {};
  for (const groupVersion of [...new Set(specs.map(groupVersionOf))].sort()) {
    const v3 = openApiV3Document(groupVersion, specs, components);
    for (const [path, item] of Object.entries(v3.paths)) paths[path] = pathV2(item);
    for (const [name, schema] of Object.entries(v3.components.schemas)) definitions[name] ??= schemaV2(schema);
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, definitions };
}
