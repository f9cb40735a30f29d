// Some of the functions kube-apiserver adds to CEL (cel-go's ext.Strings and Kubernetes' regex and
// lists libraries, k8s.io/apiserver/pkg/cel/library) that the base library lacks.

import type { Environment } from '@marcbachmann/cel-js';

type Comparable = string | number | bigint | boolean;

const compare = (a: Comparable, b: Comparable): number => (a < b ? -1 : a > b ? 1 : 0);

export function registerKubeLibrary(env: Environment): void {
  env.registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) => s.split(from).join(to));
  env.registerFunction('string.find(string): string', (s: string, pattern: string) => new RegExp(pattern).exec(s)?.[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, pattern: string) => [...s.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]));
  env.registerFunction('list.isSorted(): bool', (list: Comparable[]) => list.every((v, i) => i === 0 || compare(list[i - 1]!, v) <= 0));
}
