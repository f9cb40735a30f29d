// Follows `$ref`s (and the lone-allOf wrapper kube-apiserver puts around described refs) to the node they name.
import { refName } from './dsl.js';
import type { SchemaNode, SchemaResolver } from './types.js';

export function schemaResolver(components: Record<string, SchemaNode>): SchemaResolver {
  return function resolve(node: SchemaNode): SchemaNode {
    let current = node;
    // Bounded: a chain of refs to refs longer than this is a cycle.
    for (let hops = 0; hops < 16; hops++) {
      const name = refName(current);
      if (name === undefined) return current;
      const target = components[name];
      if (!target) return {};
      current = target;
    }
    return current;
  };
}
