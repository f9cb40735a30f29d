// podFailurePolicy, with cases after kube's pod_failure_policy_test.go: which rule a failed pod matches
// and what it means; then what the Job controller makes of it (FailureTarget with reason PodFailurePolicy,
// ignored failures neither counted nor kept), and the apiserver's validation of the policy.
import { describe, expect, it } from 'vitest';
import { validateJob } from '../../../src/apiserver/resources/workload-validation.js';
import { decideJob, type Job } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER, trackFinishedPods } from '../../../src/controllers/job/job-tracking.js';
import { matchPodFailurePolicy, type PodFailurePolicy } from '../../../src/controllers/job/pod-failure-policy.js';
import type { ContainerStatus, Pod, PodCondition } from '../../../src/controllers/shared/types.js';

const exited = (name: string, exitCode: number): ContainerStatus => ({ name, state: { terminated: { exitCode } } });
const failedPod = (statuses: ContainerStatus[], conditions: PodCondition[] = [], init: ContainerStatus[] = []): Pod => ({
  metadata: { name: 'mypod', namespace: 'default', uid: 'u1', finalizers: [JOB_TRACKING_FINALIZER] },
  status: { phase: 'Failed', containerStatuses: statuses, initContainerStatuses: init, conditions },
});
const disrupted: PodCondition = { type: 'DisruptionTarget', status: 'True' };

describe('matchPodFailurePolicy', () => {
  const cases: { name: string; policy?: PodFailurePolicy; pod: Pod; want: ReturnType<typeof matchPodFailurePolicy> }[] = [
    { name: 'no policy: counted', pod: failedPod([exited('main', 2)]), want: { countFailed: true } },
    {
      name: 'Ignore on exit codes',
      policy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1, 2, 3] } }] },
      pod: failedPod([exited('main', 2)]),
      want: { countFailed: false, action: 'Ignore' },
    },
    {
      name: 'FailJob on exit codes, with the message kube writes',
      policy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2, 3] } }] },
      pod: failedPod([exited('main', 2)]),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod default/mypod failed with exit code 2 matching FailJob rule at index 0' },
    },
    {
      name: 'a container that succeeded is skipped; the next one matches',
      policy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [5] } }] },
      pod: failedPod([exited('ok', 0), exited('bad', 42)]),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container bad for pod default/mypod failed with exit code 42 matching FailJob rule at index 0' },
    },
    {
      name: 'NotIn excludes the listed codes: no match',
      policy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [42] } }] },
      pod: failedPod([exited('main', 42)]),
      want: { countFailed: true },
    },
    {
      name: 'containerName restricts the check',
      policy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'sidecar', operator: 'In', values: [42] } }] },
      pod: failedPod([exited('main', 42)]),
      want: { countFailed: true },
    },
    {
      name: 'an init container is checked after the containers',
      policy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'setup', operator: 'In', values: [7] } }] },
      pod: failedPod([], [], [exited('setup', 7)]),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container setup for pod default/mypod failed with exit code 7 matching FailJob rule at index 0' },
    },
    {
      name: 'Count on exit codes',
      policy: { rules: [{ action: 'Count', onExitCodes: { operator: 'In', values: [2] } }] },
      pod: failedPod([exited('main', 2)]),
      want: { countFailed: true, action: 'Count' },
    },
    {
      name: 'Ignore on the DisruptionTarget condition',
      policy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      pod: failedPod([exited('main', 137)], [disrupted]),
      want: { countFailed: false, action: 'Ignore' },
    },
    {
      name: 'FailJob on a condition, with the message kube writes',
      policy: { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      pod: failedPod([exited('main', 137)], [disrupted]),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Pod default/mypod has condition DisruptionTarget matching FailJob rule at index 0' },
    },
    {
      name: 'a condition with another status does not match',
      policy: { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'False' }] }] },
      pod: failedPod([exited('main', 137)], [disrupted]),
      want: { countFailed: true },
    },
    {
      name: 'the first matching rule decides, by its index',
      policy: {
        rules: [
          { action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } },
          { action: 'FailJob', onExitCodes: { operator: 'In', values: [2] } },
          { action: 'Ignore', onExitCodes: { operator: 'In', values: [2] } },
        ],
      },
      pod: failedPod([exited('main', 2)]),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod default/mypod failed with exit code 2 matching FailJob rule at index 1' },
    },
    {
      name: 'FailIndex counts the failure',
      policy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [2] } }] },
      pod: failedPod([exited('main', 2)]),
      want: { countFailed: true, action: 'FailIndex' },
    },
  ];
  it.each(cases)('$name', ({ policy, pod, want }) => expect(matchPodFailurePolicy(policy, pod)).toEqual(want));
});

describe('the Job controller with a podFailurePolicy', () => {
  const NOW = Date.parse('2026-01-01T00:01:00Z');
  const job = (policy: PodFailurePolicy, backoffLimit = 6): Job => ({
    metadata: { name: 'j', namespace: 'default' },
    spec: { completions: 2, parallelism: 1, backoffLimit, podFailurePolicy: policy, podReplacementPolicy: 'Failed', template: {} },
    status: { startTime: '2026-01-01T00:00:00Z' },
  });

  it('a FailJob match ends the job with reason PodFailurePolicy, whatever the backoff limit', () => {
    const decision = decideJob(job({ rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }), [failedPod([exited('main', 42)])], NOW);
    expect(decision.finished).toEqual({ type: 'Failed', reason: 'PodFailurePolicy', message: 'Container main for pod default/mypod failed with exit code 42 matching FailJob rule at index 0' });
  });

  it('an ignored failure is not counted against backoffLimit, is replaced, and its finalizer goes without a UID kept', () => {
    const policy: PodFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] };
    const pods = [failedPod([exited('main', 137)], [disrupted])];
    const decision = decideJob(job(policy, 0), pods, NOW);
    expect(decision).toMatchObject({ failed: 0, podDelta: 1 });
    expect(decision.finished).toBeUndefined();
    const tracking = trackFinishedPods(job(policy, 0), pods, undefined, new Set());
    expect(tracking.release.map((p) => p.metadata.uid)).toEqual(['u1']);
    expect(tracking.status.uncountedTerminatedPods).toEqual({});
  });

  it('a counted failure past the limit fails the job as BackoffLimitExceeded', () => {
    const decision = decideJob(job({ rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }] }, 0), [failedPod([exited('main', 2)])], NOW);
    expect(decision.finished).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded' });
  });

  it('a terminating pod is not replaced until it has failed (podReplacementPolicy Failed)', () => {
    const terminating: Pod = { metadata: { name: 'j-1', namespace: 'default', uid: 'u2', deletionTimestamp: '2026-01-01T00:00:59Z', finalizers: [JOB_TRACKING_FINALIZER] }, status: { phase: 'Running' } };
    const decision = decideJob(job({ rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }), [terminating], NOW);
    expect(decision).toMatchObject({ podDelta: 0, failed: 0, status: { active: 0, terminating: 1 } });
  });
});

describe('podFailurePolicy validation (kube-apiserver)', () => {
  const jobWith = (spec: Record<string, unknown>, restartPolicy = 'Never') => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'default', uid: 'uid-1' },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
      template: {
        metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'j', 'controller-uid': 'uid-1', 'job-name': 'j' } },
        spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 },
      },
      ...spec,
    },
  });
  const causesOf = (spec: Record<string, unknown>) => validateJob(jobWith(spec), undefined).map((c) => `${c.field}: ${c.message}`);

  it.each([
    { name: 'a valid policy', spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } }, want: [] },
    { name: 'a missing action', spec: { podFailurePolicy: { rules: [{ onExitCodes: { operator: 'In', values: [1] } }] } }, want: ['spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]'] },
    { name: 'an unknown action', spec: { podFailurePolicy: { rules: [{ action: 'Retry', onExitCodes: { operator: 'In', values: [1] } }] } }, want: ['spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"'] },
    { name: 'FailIndex without backoffLimitPerIndex', spec: { podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] } }, want: ['spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set'] },
    {
      name: 'bad exit codes: 0 with In, a duplicate, out of order, an unknown container',
      spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'nope', operator: 'In', values: [3, 0, 3] } }] } },
      want: [
        'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 0, 3}: must be ordered',
      ],
    },
    { name: 'no values', spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [] } }] } }, want: ['spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least one value is required'] },
    {
      name: 'both requirements, then neither',
      spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }, { action: 'Ignore' }] } },
      want: ['spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported', 'spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required'],
    },
    { name: 'a bad condition status', spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] }] } }, want: ['spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"'] },
  ])('$name', ({ spec, want }) => expect(causesOf(spec)).toEqual(want));

  it('needs restartPolicy Never and podReplacementPolicy Failed', () => {
    const job = jobWith({ podReplacementPolicy: 'TerminatingOrFailed', podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }] } }, 'OnFailure');
    expect(validateJob(job, undefined).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
      'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    ]);
  });

  it('is immutable', () => {
    const old = jobWith({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] } });
    const changed = jobWith({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [2] } }] } });
    expect(validateJob(changed, old).map((c) => c.field)).toContain('spec.podFailurePolicy');
  });
});
