// meta.k8s.io Tables, what `kubectl get` asks for: the kind's columns, one row of cells per object, and
// with each row the object as `includeObject` wants it (PartialObjectMetadata by default).

import { badRequest } from '../errors/status.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectParam(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
}

export interface TableOptions {
  readonly apiVersion: string;
  readonly includeObject: IncludeObject;
  /** Without column definitions (watch events after the first). */
  readonly noHeaders?: boolean;
  readonly now: Date;
  readonly listMeta?: Record<string, unknown>;
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export function toTable(spec: ResourceSpec, objects: readonly KubeObject[], options: TableOptions): KubeObject {
  return {
    kind: 'Table',
    apiVersion: options.apiVersion,
    metadata: options.listMeta ?? {},
    columnDefinitions: options.noHeaders ? null : spec.table.columns,
    rows: objects.map((obj) => {
      const object = rowObject(obj, options.includeObject);
      return { cells: spec.table.row(obj, options.now), ...(object ? { object } : {}) };
    }),
  };
}
