// `barge scheduler` flags: kube-scheduler's names, Go durations, and unknown flags refused.

import { describe, expect, it } from 'vitest';
import { parseDurationFlag } from '../../../src/cli/component-flags.js';
import { parseSchedulerArgs } from '../../../src/cli/scheduler-command.js';

describe('barge scheduler flags', () => {
  it("defaults as kube-scheduler's", () => {
    expect(parseSchedulerArgs(['--kubeconfig', 'scheduler.conf'])).toEqual({
      kubeconfig: 'scheduler.conf',
      leaderElect: true,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      resourceName: 'kube-scheduler',
      resourceNamespace: 'kube-system',
      percentageOfNodesToScore: 0,
    });
  });

  it('takes every leader election flag', () => {
    const options = parseSchedulerArgs([
      '--kubeconfig=s.conf',
      '--leader-elect=false',
      '--leader-elect-lease-duration=1m30s',
      '--leader-elect-renew-deadline',
      '500ms',
      '--leader-elect-retry-period=1s',
      '--leader-elect-resource-name=sched',
      '--leader-elect-resource-namespace=ops',
    ]);
    expect(options).toMatchObject({ leaderElect: false, leaseDurationMs: 90_000, renewDeadlineMs: 500, retryPeriodMs: 1000, resourceName: 'sched', resourceNamespace: 'ops' });
  });

  it.each([
    [['--kubeconfig', 'k', '--port', '1'], 'unknown flag: --port'],
    [['--kubeconfig', 'k', '--leader-elect=maybe'], 'invalid argument "maybe" for "--leader-elect" flag'],
    [['--kubeconfig', 'k', '--leader-elect-retry-period=2'], 'time: missing unit in duration "2"'],
    [[], '--kubeconfig must be specified'],
  ])('%j fails: %s', (args, message) => expect(() => parseSchedulerArgs(args)).toThrow(message));

  it.each([
    ['15s', 15_000],
    ['1h', 3_600_000],
    ['2m3s', 123_000],
    ['1.5s', 1500],
  ])('duration %s', (text, ms) => expect(parseDurationFlag('x', text)).toBe(ms));
});
