// A member's helper threads run at the lowest priority, its own thread at the one it was started with.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statFieldsAfterName } from '../../../bench/process-usage.js';
import { HELPER_NICE } from '../../../src/cli/member-threads.js';
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

  it('has its helpers at the lowest priority and its own thread untouched, before and after serving', () => {
    const member = cluster().members[0]!;
    const pid = member.process!.pid!;
    const check = (): void => {
      const nice = niceByThread(pid);
      expect(nice.get(pid)).toBe(0);
      const helpers = [...nice].filter(([tid]) => tid !== pid);
      // V8's platform workers and libuv's pool at least.
      expect(helpers.length).toBeGreaterThanOrEqual(4);
      expect(helpers.filter(([, n]) => n !== HELPER_NICE)).toEqual([]);
    };
    check();
    expect(cluster().etcdctl(['put', 'threads', 'lowered']).stdout).toBe('OK\n');
    check();
  });
});
