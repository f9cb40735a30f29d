// The resources the apiserver serves, found by group, version and plural: the built-in kinds and,
// once established, those CustomResourceDefinitions add.

import type { ResourceSpec } from '../schema/types.js';

const id = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;

export interface GroupVersions {
  readonly group: string;
  /** In preference order. */
  readonly versions: readonly string[];
}

export class ResourceRegistry {
  private readonly specs = new Map<string, ResourceSpec>();
  /** Resources a CustomResourceDefinition serves (no strategic merge patch, as upstream). */
  private readonly custom = new WeakSet<ResourceSpec>();
  /** Counts changes to what is served (derived documents are rebuilt when it moves). */
  generation = 0;

  constructor(specs: readonly ResourceSpec[]) {
    for (const spec of specs) this.add(spec);
  }

  add(spec: ResourceSpec, custom = false): void {
    if (custom) this.custom.add(spec);
    this.specs.set(id(spec.group, spec.version, spec.plural), spec);
    this.generation++;
  }

  remove(group: string, version: string, plural: string): void {
    if (this.specs.delete(id(group, version, plural))) this.generation++;
  }

  isCustom(spec: ResourceSpec): boolean {
    return this.custom.has(spec);
  }

  find(group: string, version: string, plural: string): ResourceSpec | undefined {
    return this.specs.get(id(group, version, plural));
  }

  all(): ResourceSpec[] {
    return [...this.specs.values()];
  }

  /** The resources of one group-version, in registration order. */
  inGroupVersion(group: string, version: string): ResourceSpec[] {
    return this.all().filter((s) => s.group === group && s.version === version);
  }

  /** Every group with its versions, the core group first, in registration order. */
  groups(): GroupVersions[] {
    const byGroup = new Map<string, string[]>();
    for (const spec of this.specs.values()) {
      const versions = byGroup.get(spec.group) ?? [];
      if (!versions.includes(spec.version)) versions.push(spec.version);
      byGroup.set(spec.group, versions);
    }
    return [...byGroup].map(([group, versions]) => ({ group, versions }));
  }
}
