// The value constraints of structural (CRD) schemas, with the messages CRD validation gives.
import { invalid, notSupported, tooMany } from './field-errors.js';
import type { FieldCause, SchemaNode } from './types.js';

const num = (node: SchemaNode, key: string) => (typeof node[key] === 'number' ? (node[key] as number) : undefined);

export function constraintCauses(node: SchemaNode, value: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (node.enum && !node.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    causes.push(notSupported(path, value, node.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))));
  }
  if (typeof value === 'number') {
    const minimum = num(node, 'minimum');
    const maximum = num(node, 'maximum');
    if (minimum !== undefined && (node.exclusiveMinimum ? value <= minimum : value < minimum)) {
      causes.push(invalid(path, value, `${path} in body should be greater than ${node.exclusiveMinimum ? '' : 'or equal to '}${minimum}`));
    }
    if (maximum !== undefined && (node.exclusiveMaximum ? value >= maximum : value > maximum)) {
      causes.push(invalid(path, value, `${path} in body should be less than ${node.exclusiveMaximum ? '' : 'or equal to '}${maximum}`));
    }
    const multipleOf = num(node, 'multipleOf');
    if (multipleOf && value % multipleOf !== 0) causes.push(invalid(path, value, `${path} in body should be a multiple of ${multipleOf}`));
  }
  if (typeof value === 'string') {
    const minLength = num(node, 'minLength');
    const maxLength = num(node, 'maxLength');
    const length = [...value].length;
    if (minLength !== undefined && length < minLength) causes.push(invalid(path, value, `${path} in body should be at least ${minLength} chars long`));
    if (maxLength !== undefined && length > maxLength) causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxLength} bytes`, field: path });
    if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) causes.push(invalid(path, value, `${path} in body should match '${node.pattern}'`));
  }
  if (Array.isArray(value)) {
    const minItems = num(node, 'minItems');
    const maxItems = num(node, 'maxItems');
    if (minItems !== undefined && value.length < minItems) causes.push(invalid(path, value, `${path} in body should have at least ${minItems} items`));
    if (maxItems !== undefined && value.length > maxItems) causes.push(tooMany(path, value.length, maxItems));
    if (node['x-kubernetes-list-type'] === 'set' || node.uniqueItems === true) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${key}`, field: `${path}[${i}]` });
        seen.add(key);
      });
    }
  }
  return causes;
}
