// Generic checks of an object against its schema, with the wording of kube-openapi's validator as
// CRD validation reports it: JSON types for every kind; for custom resources (whose schemas are the
// validation) also required fields, enums, nullable, bounds, lengths, item counts and patterns; and
// the fields the schema does not know, which kube-apiserver reports (Strict: 400, Warn: 299 warnings)
// or drops (Ignore, and pruning). Built-in kinds leave required fields and enums to their own
// validation, as kube-apiserver does, so a cause is never reported twice.
import { child, index, invalid, required, typeInvalid } from './field-errors.js';
import { constraintCauses } from './constraints.js';
import { componentName, isBuiltinSchema } from './dsl.js';
import { schemaResolver } from './resolver.js';
import type { FieldCause, SchemaNode, SchemaResolver } from './types.js';

export interface SchemaCheck {
  /** Unknown field paths with a leading dot (`.spec.foo`, `.spec.containers[0].bar`). */
  unknownFields: string[];
  causes: FieldCause[];
  /**
   * For built-in kinds, the first type mismatch as Go's JSON decoder words it (`json: cannot unmarshal
   * string into Go struct field DeploymentSpec.spec.replicas of type int32`): kube-apiserver answers
   * those with 400 BadRequest `<Kind> in version "<version>" cannot be handled as a <Kind>: <this>`
   * rather than a 422.
   */
  decodeError?: string;
}

/** The JSON type name kube-openapi reports for a value. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

export function checkAgainstSchema(obj: unknown, schemaName: string, components: Record<string, SchemaNode>): SchemaCheck {
  const result: SchemaCheck = { unknownFields: [], causes: [] };
  const root = components[schemaName];
  const structural = !isBuiltinSchema(schemaName);
  const goStruct = schemaName.split('.').pop() ?? '';
  if (root) walk(obj, root, '', { top: true, structural, resolve: schemaResolver(components), out: result, goStruct }, undefined);
  return result;
}

interface Walk {
  top: boolean;
  structural: boolean;
  resolve: SchemaResolver;
  out: SchemaCheck;
  /** The Go struct holding the current field: with the JSON names leading to it, how Go's decoder names fields. */
  goStruct: string;
}

/** The JSON names leading to a field, innermost last; a chain, so that walking a field allocates one link. */
interface GoPath {
  readonly field: string;
  readonly parent: GoPath | undefined;
}

function goPathNames(path: GoPath | undefined): string[] {
  const names: string[] = [];
  for (let at = path; at; at = at.parent) names.unshift(at.field);
  return names;
}

/** The component a node refers to (its `$ref`, or a lone allOf's), by its last name segment. */
function refTail(declared: SchemaNode): string | undefined {
  const ref = declared.$ref ?? declared.allOf?.[0]?.$ref;
  return ref === undefined ? undefined : ref.slice(ref.lastIndexOf('/') + 1);
}

function accepts(node: SchemaNode, value: unknown): boolean {
  if (node['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (node.type) {
    case undefined:
      return true;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return jsonType(value) === 'object';
    default:
      return typeof value === node.type;
  }
}

function expectedType(node: SchemaNode): string {
  return node['x-kubernetes-int-or-string'] ? 'integer,string' : String(node.type);
}

function walk(value: unknown, declared: SchemaNode, path: string, context: Walk, goPath: GoPath | undefined): void {
  const { resolve, out, structural } = context;
  const node = resolve(declared);
  if (value === undefined) return;
  // Null is absent to the decoder of built-in kinds; custom resources accept it only where nullable.
  if (value === null) {
    if (structural && node.nullable !== true && node.type) out.causes.push(mismatch(path, value, expectedType(node)));
    return;
  }
  const name = refTail(declared);
  if (name === INT_OR_STRING || name === QUANTITY) {
    if (typeof value !== 'string' && typeof value !== 'number') reportMismatch(context, goPath, path, value, 'integer,string', declared);
    return;
  }
  if (!accepts(node, value)) {
    reportMismatch(context, goPath, path, value, expectedType(node), declared);
    return;
  }
  if (structural) out.causes.push(...constraintCauses(node, value, path));
  else if (node.format === 'byte' && typeof value === 'string') checkBase64(context, path, value);
  const isArray = Array.isArray(value);
  // Scalars end here, before a context for their members is made.
  if (!isArray && (node.type !== 'object' || jsonType(value) !== 'object')) return;
  const next = { ...context, top: false, goStruct: name && node.type === 'object' ? name.slice(name.lastIndexOf('.') + 1) : context.goStruct };
  if (isArray) {
    if (node.items) value.forEach((item, i) => walk(item, node.items!, index(path, i), next, goPath));
    return;
  }
  const fields = value as Record<string, unknown>;
  if (structural) for (const field of node.required ?? []) if (fields[field] === undefined) out.causes.push(required(child(path, field)));
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  for (const [field, fieldValue] of Object.entries(fields)) {
    const property = node.properties?.[field];
    if (property) {
      walk(fieldValue, property, child(path, field), next, { field, parent: goPath });
    } else if (typeof node.additionalProperties === 'object') {
      walk(fieldValue, node.additionalProperties, child(path, field), next, goPath);
    } else if (embedded && field === 'metadata') {
      walk(fieldValue, { $ref: `#/components/schemas/${componentName.meta('ObjectMeta')}` }, child(path, field), next, goPath);
    } else if (!knownAnyway(node, field, context.top || embedded)) {
      out.unknownFields.push(`.${child(path, field)}`);
    }
  }
}

function knownAnyway(node: SchemaNode, field: string, typeMetaAllowed: boolean): boolean {
  if (node['x-kubernetes-preserve-unknown-fields'] || node.additionalProperties === true) return true;
  if (!node.properties && node.additionalProperties === undefined) return true;
  return typeMetaAllowed && (field === 'apiVersion' || field === 'kind');
}

function reportMismatch(context: Walk, goPath: GoPath | undefined, path: string, value: unknown, expected: string, declared: SchemaNode): void {
  context.out.causes.push(mismatch(path, value, expected));
  if (context.structural || context.out.decodeError) return;
  const actual = Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'bool' : typeof value === 'object' ? 'object' : 'string';
  const field = [context.goStruct, ...goPathNames(goPath)].join('.');
  context.out.decodeError = `json: cannot unmarshal ${actual} into Go struct field ${field} of type ${goType(declared, context.resolve)}`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes fields of built-in kinds (Secret data) decode as standard base64, or fail as Go's decoder says. */
function checkBase64(context: Walk, path: string, value: string): void {
  const bad = /[^A-Za-z0-9+/=]/.exec(value)?.index;
  if (bad === undefined && BASE64.test(value) && value.length % 4 === 0) return;
  const offset = bad ?? value.length - (value.length % 4);
  const message = `illegal base64 data at input byte ${offset}`;
  context.out.causes.push(invalid(path, value, message));
  context.out.decodeError ??= message;
}

/** The Go type a schema node decodes into, as the decoder's messages print it. */
function goType(declared: SchemaNode, resolve: SchemaResolver): string {
  const name = (declared.$ref ?? declared.allOf?.[0]?.$ref ?? '').split('/').pop();
  if (name === INT_OR_STRING) return 'intstr.IntOrString';
  if (name === QUANTITY) return 'resource.Quantity';
  const node = resolve(declared);
  if (node.type === 'object' && name) return `${name.split('.').at(-2)}.${name.split('.').pop()}`;
  switch (node.type) {
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${node.items ? goType(node.items, resolve) : 'interface {}'}`;
    case 'object':
      return typeof node.additionalProperties === 'object' ? `map[string]${goType(node.additionalProperties, resolve)}` : 'struct';
    default:
      return 'string';
  }
}

function mismatch(path: string, value: unknown, expected: string): FieldCause {
  const actual = jsonType(value);
  return typeInvalid(path, actual, `${path} in body must be of type ${expected}: ${JSON.stringify(actual)}`);
}
