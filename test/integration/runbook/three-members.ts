// The cluster each runbook test works on: three Barge members, started before the file's tests (with
// room for a loaded machine) and stopped after them.

import { afterAll, beforeAll } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';

/** Registers the file's cluster; the returned function gives it once started. */
export function threeMembers(): () => ProcessCluster {
  let cluster: ProcessCluster | undefined;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(3, 'barge', [], undefined, { startTimeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => cluster!;
}
