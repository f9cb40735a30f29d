// A member's helper threads run at its own priority. Lowered (they ran at nice 19 for a while), they held
// locks its thread then waited for (libuv's pool, V8's task queue, a collection's joins) while the rest of a
// busy machine ran: its event loop stalled for seconds in a control-plane burst (bench/RESULTS.md, "Helper
// threads at the member's priority again").

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statFieldsAfterName } from '../../../bench/process-usage.js';
import { suiteCluster } from '../../support/suite-cluster.js';

/** Each thread's nice value, from /proc/<pid>/task/<tid>/stat (field 19). */
function niceByThread(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    nice.set(Number(tid), Number(statFieldsAfterName(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'))[16]));
  }
  return nice;
}

describe.runIf(process.platform === 'linux')('a member’s threads', () => {
  const cluster = suiteCluster(1, 'barge');

  it('all run at the priority the member was started with, before and after serving', () => {
    const member = cluster().members[0]!;
    const pid = member.process!.pid!;
    const check = (): void => {
      const nice = niceByThread(pid);
      const own = nice.get(pid)!;
      const helpers = [...nice].filter(([tid]) => tid !== pid);
      // V8's platform workers and libuv's pool at least.
      expect(helpers.length).toBeGreaterThanOrEqual(4);
      expect(helpers.filter(([, n]) => n !== own)).toEqual([]);
    };
    check();
    expect(cluster().etcdctl(['put', 'threads', 'shared']).stdout).toBe('OK\n');
    check();
  });
});
