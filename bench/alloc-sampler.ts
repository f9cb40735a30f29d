// `node --import tsx --import ./bench/alloc-sampler.ts bin/barge.js …`, load it, then `kill -USR2 <pid>`.
//
// Where a process's allocations go, garbage included: V8's sampling heap profiler (one sample every 4 KiB
// allocated), told to keep the objects minor and major collections freed, from start-up until SIGUSR2,
// when the profile is written to $ALLOC_PROFILE (default ./alloc-<pid>.heapprofile) for
// bench/alloc-summary.ts. A member's RSS after a burst of requests is mostly the room V8 keeps for the
// garbage it promoted, and its CPU partly the collections: this says which code allocates it.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));

await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
process.on('SIGUSR2', () => {
  post<{ profile: unknown }>('HeapProfiler.stopSampling').then(
    ({ profile }) => {
      const file = process.env.ALLOC_PROFILE ?? `alloc-${process.pid}.heapprofile`;
      writeFileSync(file, JSON.stringify(profile));
      process.stderr.write(`allocation profile written to ${file}\n`);
    },
    (err: unknown) => process.stderr.write(`allocation profile failed: ${String(err)}\n`),
  );
});
