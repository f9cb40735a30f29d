// The built-in ResourceSpecs: the catalogue's definitions, whose defaulting also leaves typed values
// (quantities, times) in the form kube-apiserver's decoding gives them.
import { ref } from '../schema/dsl.js';
import { normalizeValues } from '../schema/normalize.js';
import { schemaResolver } from '../schema/resolver.js';
import type { ResourceSpec } from '../schema/types.js';
import { BUILTIN_DEFINITIONS } from './catalog.js';
import { defineResource } from './define.js';
import { builtinSchemas } from './schemas.js';

export function builtinResources(): ResourceSpec[] {
  const resolve = schemaResolver(builtinSchemas());
  return BUILTIN_DEFINITIONS.map((definition) =>
    defineResource({
      ...definition,
      defaults: (obj, old) => {
        definition.defaults?.(obj, old);
        normalizeValues(obj, ref(definition.schemaName), resolve);
      },
    }),
  );
}
