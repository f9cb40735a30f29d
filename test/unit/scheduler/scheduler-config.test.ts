// kube-scheduler's --config file: a KubeSchedulerConfiguration (v1) whose kubeconfig, leader election and
// percentageOfNodesToScore (global and the default profile's) the scheduler applies, with kube's
// validation of the percentage; and `barge scheduler --config` taking it as kube-scheduler does.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSchedulerArgs } from '../../../src/cli/scheduler-command.js';
import { parseSchedulerConfiguration } from '../../../src/scheduler/scheduler-config.js';

const HEAD = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

describe('KubeSchedulerConfiguration', () => {
  it('defaults percentageOfNodesToScore to 0 (adaptive), with no profile percentage', () => {
    expect(parseSchedulerConfiguration(`${HEAD}clientConnection:\n  kubeconfig: s.conf\n`)).toEqual({ kubeconfig: 's.conf', leaderElection: {}, percentageOfNodesToScore: 0 });
  });

  it('reads the global and the default profile percentages, leader election and JSON as well', () => {
    const yaml = `${HEAD}percentageOfNodesToScore: 30\nprofiles:\n- schedulerName: default-scheduler\n  percentageOfNodesToScore: 60\nleaderElection:\n  leaderElect: false\n  leaseDuration: 30s\n  resourceName: sched\n`;
    expect(parseSchedulerConfiguration(yaml)).toEqual({
      leaderElection: { leaderElect: false, leaseDurationMs: 30_000, resourceName: 'sched' },
      percentageOfNodesToScore: 30,
      profilePercentageOfNodesToScore: 60,
    });
    const json = JSON.stringify({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [{ percentageOfNodesToScore: 100 }] });
    expect(parseSchedulerConfiguration(json)).toMatchObject({ percentageOfNodesToScore: 0, profilePercentageOfNodesToScore: 100 });
  });

  it.each([
    [`${HEAD}percentageOfNodesToScore: 101\n`, 'percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]'],
    [`${HEAD}percentageOfNodesToScore: -1\n`, 'percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]'],
    [`${HEAD}profiles:\n- percentageOfNodesToScore: 200\n`, 'profiles[0].percentageOfNodesToScore: Invalid value: 200: not in valid range [0-100]'],
    [`${HEAD}percentageOfNodesToScore: "50"\n`, 'into Go struct field percentageOfNodesToScore of type int32'],
    [`${HEAD}percentageOfNodesToScore: 1.5\n`, 'into Go struct field percentageOfNodesToScore of type int32'],
    [`${HEAD}profiles:\n- schedulerName: other\n`, 'profiles[0].schedulerName: Unsupported value: "other"'],
    ['apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n', 'no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io/v1beta3"'],
  ])('%j is refused: %s', (text, message) => expect(() => parseSchedulerConfiguration(text)).toThrow(message));
});

describe('barge scheduler --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scheduler-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string): string => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, text);
    return path;
  };

  it("takes the file's kubeconfig over --kubeconfig, and leader election flags over the file's", () => {
    const config = file(`${HEAD}clientConnection:\n  kubeconfig: from-file.conf\nleaderElection:\n  leaderElect: false\n  retryPeriod: 5s\npercentageOfNodesToScore: 20\n`);
    expect(parseSchedulerArgs(['--config', config, '--kubeconfig', 'flag.conf', '--leader-elect-retry-period=1s'])).toMatchObject({
      kubeconfig: 'from-file.conf',
      leaderElect: false,
      retryPeriodMs: 1000,
      leaseDurationMs: 15_000,
      percentageOfNodesToScore: 20,
    });
  });

  it('a file without clientConnection.kubeconfig is refused, and so is a bad percentage', () => {
    expect(() => parseSchedulerArgs(['--config', file(HEAD)])).toThrow('clientConnection.kubeconfig must be set in --config');
    expect(() => parseSchedulerArgs(['--config', file(`${HEAD}clientConnection:\n  kubeconfig: k\npercentageOfNodesToScore: 101\n`)])).toThrow('not in valid range [0-100]');
  });
});
