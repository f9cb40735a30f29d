// How far a member's JavaScript heap may grow between full collections.
//
// V8 sets the next full collection at up to 4× the heap that survived the last one when collecting is cheap
// next to running, and a member's is (about 25 MiB live after bench:compare's workloads, 60–100 MiB
// committed). What a collection frees late is not only heap: a Buffer's bytes are malloc'd outside it and go
// back only when its object is collected, so the malloc arena grows with the heap's garbage and keeps the
// pages. A member allows 2×, the bound Go's default (GOGC=100) sets etcd's heap: about 13 % less RSS after
// those workloads for a few % more CPU per put; 1.5× saved 22 % for 10 % more (bench/RESULTS.md, "A
// member's heap grows at most 2× between collections").

import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;
const FLAG = '--heap-growing-percent';

/** The V8 flag to set, or undefined when whoever started Node chose a growth of their own. */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const chosen = execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg === '--heap_growing_percent' || arg.startsWith('--heap_growing_percent='));
  return chosen ? undefined : `${FLAG}=${HEAP_GROWING_PERCENT}`;
}

/** Applies the member's heap growth to this process (a member has its own: `barge` as etcd). */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}
