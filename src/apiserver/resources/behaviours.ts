// Per-kind defaulting, validation and tables, looked up by group and kind.
import type { ResourceDefinition } from './define.js';

type Behaviour = Pick<ResourceDefinition, 'defaults' | 'validate' | 'table'>;

const byKind: Record<string, Behaviour> = {};

export function behaviours(group: string, kind: string): Behaviour {
  return byKind[`${group}/${kind}`] ?? {};
}
