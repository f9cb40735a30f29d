// The OpenAPI components of every served kind, keyed as kube-apiserver names them.
import type { SchemaNode } from '../schema/types.js';

export function builtinSchemas(): Record<string, SchemaNode> {
  return {};
}
