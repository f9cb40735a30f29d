// successPolicy for Indexed Jobs, with cases after kube's success_policy_test.go, then the Job
// controller's decision (SuccessCriteriaMet and Complete with reason SuccessPolicy, the other indexes'
// pods deleted) and the apiserver's validation of the policy.
import { describe, expect, it } from 'vitest';
import { validateJob } from '../../../src/apiserver/resources/workload-validation.js';
import { COMPLETION_INDEX } from '../../../src/controllers/job/completion-index.js';
import { announceEnd, decideJob, enactFinished, type Job } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER } from '../../../src/controllers/job/job-tracking.js';
import { matchSuccessPolicy, type SuccessPolicy } from '../../../src/controllers/job/success-policy.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

describe('matchSuccessPolicy', () => {
  const cases: { name: string; policy?: SuccessPolicy; completions?: number; succeeded: number[]; want?: string }[] = [
    { name: 'no policy', succeeded: [0, 1, 2] },
    { name: 'no succeeded index', policy: { rules: [{ succeededCount: 1 }] }, succeeded: [] },
    { name: 'all of succeededIndexes', policy: { rules: [{ succeededIndexes: '0-2' }] }, succeeded: [0, 1, 2, 5], want: 'Matched rules at index 0' },
    { name: 'not all of succeededIndexes', policy: { rules: [{ succeededIndexes: '0-2' }] }, succeeded: [0, 1, 3, 4] },
    { name: 'succeededCount of succeededIndexes', policy: { rules: [{ succeededIndexes: '0-2,5', succeededCount: 2 }] }, succeeded: [2, 4, 5], want: 'Matched rules at index 0' },
    { name: 'fewer than succeededCount of succeededIndexes', policy: { rules: [{ succeededIndexes: '0-2,5', succeededCount: 3 }] }, succeeded: [2, 4, 5] },
    { name: 'succeededCount of any indexes', policy: { rules: [{ succeededCount: 2 }] }, succeeded: [3, 8], want: 'Matched rules at index 0' },
    { name: 'the first rule met decides', policy: { rules: [{ succeededIndexes: '7' }, { succeededCount: 1 }, { succeededIndexes: '0' }] }, succeeded: [0], want: 'Matched rules at index 1' },
    { name: 'a rule whose indexes do not parse is skipped', policy: { rules: [{ succeededIndexes: 'a-b' }, { succeededIndexes: '1' }] }, succeeded: [1], want: 'Matched rules at index 1' },
    { name: 'indexes past completions are not required', policy: { rules: [{ succeededIndexes: '8-12' }] }, completions: 10, succeeded: [8, 9], want: 'Matched rules at index 0' },
  ];
  it.each(cases)('$name', ({ policy, completions, succeeded, want }) => expect(matchSuccessPolicy(policy, completions ?? 10, succeeded)).toBe(want));
});

describe('the Job controller with a successPolicy', () => {
  const NOW = Date.parse('2026-01-01T00:01:00Z');
  const pod = (index: number, phase: string): Pod => ({
    metadata: { name: `j-${index}`, namespace: 'default', uid: `u${index}`, annotations: { [COMPLETION_INDEX]: String(index) }, finalizers: [JOB_TRACKING_FINALIZER] },
    status: { phase },
  });
  const job: Job = {
    metadata: { name: 'j', namespace: 'default' },
    spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] }, template: {} },
    status: { startTime: '2026-01-01T00:00:00Z' },
  };

  it('index 0 done: the job meets its policy, deletes the others and ends SuccessCriteriaMet then Complete, reason SuccessPolicy', () => {
    const decision = decideJob(job, [pod(0, 'Succeeded'), pod(1, 'Running'), pod(2, 'Running')], NOW);
    expect(decision.finished).toEqual({ type: 'Complete', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(decision).toMatchObject({ podDelta: -2, succeeded: 1, status: { active: 0, terminating: 2 } });
    const done = enactFinished(announceEnd({}, decision.finished!, NOW), decision.finished!, NOW);
    expect(done.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'SuccessPolicy', 'Matched rules at index 0'],
      ['Complete', 'SuccessPolicy', 'Matched rules at index 0'],
    ]);
  });

  it('until then it runs as any Indexed job', () => {
    expect(decideJob(job, [pod(1, 'Succeeded'), pod(0, 'Running'), pod(2, 'Running')], NOW).finished).toBeUndefined();
  });
});

describe('successPolicy validation (kube-apiserver)', () => {
  const causesOf = (spec: Record<string, unknown>) =>
    validateJob(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j', namespace: 'default', uid: 'uid-1' },
        spec: {
          completions: 5,
          completionMode: 'Indexed',
          selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
          template: {
            metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'j', 'controller-uid': 'uid-1', 'job-name': 'j' } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 },
          },
          ...spec,
        },
      },
      undefined,
    ).map((c) => `${c.field}: ${c.message}`);

  it.each([
    { name: 'valid rules', spec: { successPolicy: { rules: [{ succeededIndexes: '0,2-4', succeededCount: 2 }, { succeededCount: 5 }] } }, want: [] },
    { name: 'no rules', spec: { successPolicy: { rules: [] } }, want: ['spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified'] },
    { name: 'an empty rule', spec: { successPolicy: { rules: [{}] } }, want: ['spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified'] },
    { name: 'an index past completions', spec: { successPolicy: { rules: [{ succeededIndexes: '1-5' }] } }, want: ['spec.successPolicy.rules[0].succeededIndexes: Invalid value: "1-5": error parsing succeededIndexes: too large index: "5"'] },
    { name: 'indexes out of order', spec: { successPolicy: { rules: [{ succeededIndexes: '3,1' }] } }, want: ['spec.successPolicy.rules[0].succeededIndexes: Invalid value: "3,1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1'] },
    { name: 'not a number', spec: { successPolicy: { rules: [{ succeededIndexes: 'one' }] } }, want: ['spec.successPolicy.rules[0].succeededIndexes: Invalid value: "one": error parsing succeededIndexes: cannot convert string to integer for index: "one"'] },
    {
      name: 'succeededCount past completions and past its indexes',
      spec: { successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 6 }] } },
      want: [
        'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)',
        'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)',
      ],
    },
    { name: 'a NonIndexed job', spec: { completionMode: 'NonIndexed', successPolicy: { rules: [{ succeededCount: 1 }] } }, want: ['spec.successPolicy: Invalid value: batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{...}}: requires indexed completion mode'] },
  ])('$name', ({ spec, want }) => expect(causesOf(spec)).toEqual(want));
});
