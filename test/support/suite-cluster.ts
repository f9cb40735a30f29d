// A process cluster for one describe block: started before its tests, stopped after them.

import { afterAll, beforeAll } from 'vitest';
import { ProcessCluster, type Implementation } from './process-cluster.js';

/** Starts `size` members of `implementation` with `flags` before the suite's tests; the result gives the cluster. */
export function suiteCluster(size: number, implementation: Implementation, flags: readonly string[] = []): () => ProcessCluster {
  let cluster: ProcessCluster | undefined;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(size, implementation, [...flags]);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => cluster!;
}
