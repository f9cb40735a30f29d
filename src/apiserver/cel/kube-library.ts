// Some of the functions kube-apiserver adds to CEL (cel-go's ext.Strings and Kubernetes' regex and
// lists libraries, k8s.io/apiserver/pkg/cel/library) that the base library lacks.

import { EvaluationError, type Environment } from '@marcbachmann/cel-js';

type Comparable = string | number | bigint | boolean;

const compare = (a: Comparable, b: Comparable): number => (a < b ? -1 : a > b ? 1 : 0);

function extreme(name: string, list: Comparable[], sign: 1 | -1): Comparable {
  if (list.length === 0) throw new EvaluationError(`${name} called on empty list`);
  return list.reduce((best, v) => (compare(v, best) * sign > 0 ? v : best));
}

export function registerKubeLibrary(env: Environment): void {
  env.registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) => s.split(from).join(to));
  env.registerFunction('string.find(string): string', (s: string, pattern: string) => new RegExp(pattern).exec(s)?.[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, pattern: string) => [...s.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]));
  env.registerFunction('list.isSorted(): bool', (list: Comparable[]) => list.every((v, i) => i === 0 || compare(list[i - 1]!, v) <= 0));
  env.registerFunction('list.min(): dyn', (list: Comparable[]) => extreme('min', list, -1));
  env.registerFunction('list.max(): dyn', (list: Comparable[]) => extreme('max', list, 1));
  env.registerFunction('list.sum(): dyn', (list: (number | bigint)[]) => (list.length === 0 ? 0n : list.reduce((a, b) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)))));
  env.registerFunction('list.indexOf(dyn): int', (list: unknown[], value: unknown) => BigInt(list.indexOf(value)));
  env.registerFunction('list.lastIndexOf(dyn): int', (list: unknown[], value: unknown) => BigInt(list.lastIndexOf(value)));
}
