// The Job controller's policies end to end with real kubectl on a whole Barge control plane, whose
// hollow kubelets run `sleep N` to success and `exit K` to failure with code K: the back-off before
// failed pods are replaced, restarts counted against backoffLimit with restartPolicy OnFailure, a
// podFailurePolicy FailJob rule on an exit code, an Ignore rule on the DisruptionTarget an eviction
// leaves, an Indexed job's successPolicy and backoffLimitPerIndex (with a FailIndex rule, and past
// maxFailedIndexes), the adoption of an orphan pod, the warning when more pods succeeded than
// completions, suspend and resume, and a job another controller manages left alone.
// Each shows what kube shows: conditions with their reasons and messages, and `kubectl get job`'s columns.

import { describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';
import type { Pod } from '../../../src/controllers/shared/types.js';
import { controlPlane } from './control-plane.js';

const FINALIZER = 'batch.kubernetes.io/job-tracking';
const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
const FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';

/** A Job of one container `main` running `command`, with `spec` lines added (indented two spaces). */
const jobYaml = (name: string, command: string, spec: string): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: busybox, command: [sh, -c, "${command}"]}]
`;

describe('job policies', () => {
  const plane = controlPlane({ nodes: 2, prefix: 'jp' });
  const pods = async (job: string): Promise<Pod[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: `job-name=${job}` })).items;
  const job = (name: string): Promise<Job> => plane.client.get<Job>(Resources.jobs, 'default', name);
  const finished = async (name: string): Promise<string | undefined> =>
    (await job(name)).status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type;
  const conditions = async (name: string): Promise<[string, string | undefined, string | undefined][]> =>
    ((await job(name)).status?.conditions ?? []).map((c) => [c.type, c.reason, c.message]);
  const events = async (name: string, reason: string): Promise<KubeObject[]> =>
    (await plane.client.list<KubeObject>(Resources.events, { namespace: 'default', fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name},reason=${reason}` })).items;
  const createdPods = async (name: string): Promise<number> => (await events(name, 'SuccessfulCreate')).reduce((sum, e) => sum + ((e['count'] as number | undefined) ?? 1), 0);
  /** Creates the job and waits for its Complete or Failed condition. */
  const runToEnd = async (name: string, command: string, spec: string, end: 'Complete' | 'Failed'): Promise<void> => {
    plane.ok(['create', '-f', '-'], jobYaml(name, command, spec));
    await plane.waitFor(`${name} ${end}`, async () => (await finished(name)) === end, 120_000);
  };
  const finishedAt = (pod: Pod): number => Date.parse(pod.status!.containerStatuses![0]!.state!.terminated!.finishedAt!);
  /** A job's conditions as it ends: the interim one, then the final one, both with the same reason and message. */
  const ending = (end: 'Complete' | 'Failed', reason: string, message: string): [string, string, string][] => [
    [end === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', reason, message],
    [end, reason, message],
  ];
  /** "index:failures so far" of each of the job's pods, sorted. */
  const indexCounts = async (name: string): Promise<string[]> =>
    (await pods(name)).map((p) => `${p.metadata.annotations?.[COMPLETION_INDEX]}:${p.metadata.annotations?.[FAILURE_COUNT]}`).sort();

  it('waits 10 s, then 20 s, before replacing failed pods, and fails past backoffLimit', async () => {
    await runToEnd('backoff', 'exit 1', '  backoffLimit: 2\n', 'Failed');
    const all = (await pods('backoff')).sort((a, b) => Date.parse(a.metadata.creationTimestamp!) - Date.parse(b.metadata.creationTimestamp!));
    expect(all).toHaveLength(3);
    // Timestamps have whole seconds: a second of slack each way.
    const created = all.map((p) => Date.parse(p.metadata.creationTimestamp!));
    expect(created[1]! - finishedAt(all[0]!)).toBeGreaterThanOrEqual(9_000);
    expect(created[2]! - finishedAt(all[1]!)).toBeGreaterThanOrEqual(19_000);
    expect(await conditions('backoff')).toEqual(ending('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'));
    expect((await job('backoff')).status).toMatchObject({ failed: 3, succeeded: 0, active: 0 });
    expect(plane.ok(['get', 'job', 'backoff', '--no-headers'])).toMatch(/^backoff\s+Failed\s+0\/1\s/);
  }, 180_000);

  it('with restartPolicy OnFailure the restarts in a pod count against backoffLimit: one restart fails a backoffLimit 1 job', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('on-failure', 'exit 1', '  backoffLimit: 1\n').replace('restartPolicy: Never', 'restartPolicy: OnFailure'));
    await plane.waitFor('on-failure Failed', async () => (await finished('on-failure')) === 'Failed', 90_000);
    expect(await conditions('on-failure')).toEqual(ending('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'));
    // The one pod restarted in place, and was deleted (and counted failed) when the job failed.
    expect((await job('on-failure')).status).toMatchObject({ failed: 1, succeeded: 0, active: 0 });
    expect(await createdPods('on-failure')).toBe(1);
    expect(plane.ok(['get', 'job', 'on-failure', '--no-headers'])).toMatch(/^on-failure\s+Failed\s+0\/1\s/);
  }, 120_000);

  it('a FailJob rule on exit code 42 fails the job at its first failure, reason PodFailurePolicy', async () => {
    const policy = '  backoffLimit: 6\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes: {containerName: main, operator: In, values: [42]}\n';
    await runToEnd('fail-fast', 'exit 42', policy, 'Failed');
    const [pod] = await pods('fail-fast');
    const message = `Container main for pod default/${pod!.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(await conditions('fail-fast')).toEqual(ending('Failed', 'PodFailurePolicy', message));
    expect((await job('fail-fast')).status).toMatchObject({ failed: 1, active: 0 });
    expect(await pods('fail-fast')).toHaveLength(1);
    expect((await events('fail-fast', 'PodFailurePolicy')).map((e) => e['message'])).toEqual([message]);
    expect(plane.ok(['get', 'job', 'fail-fast', '--no-headers'])).toMatch(/^fail-fast\s+Failed\s+0\/1\s/);
    // The policy is the apiserver's to check: an unknown operator is refused with kube's message.
    const refused = plane.api.kubectl(['create', '-f', '-'], { input: jobYaml('bad-policy', 'exit 1', policy.replace('operator: In', 'operator: Maybe')) });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "Maybe": supported values: "In", "NotIn"');
  }, 120_000);

  it('an Ignore rule on DisruptionTarget does not count an evicted pod as failed; the job completes', async () => {
    const policy = '  backoffLimit: 0\n  podFailurePolicy:\n    rules:\n    - action: Ignore\n      onPodConditions: [{type: DisruptionTarget, status: "True"}]\n';
    plane.ok(['create', '-f', '-'], jobYaml('evicted', 'sleep 6', policy));
    await plane.waitFor('a running pod', async () => (await pods('evicted')).some((p) => p.status?.phase === 'Running'));
    const victim = (await pods('evicted')).find((p) => p.status?.phase === 'Running')!;
    await plane.client.evict(victim);
    await plane.waitFor('evicted Complete', async () => (await finished('evicted')) === 'Complete', 90_000);
    expect((await job('evicted')).status).toMatchObject({ succeeded: 1, failed: 0 });
    // The evicted pod was replaced once.
    expect(await createdPods('evicted')).toBe(2);
    expect(plane.ok(['get', 'job', 'evicted', '--no-headers'])).toMatch(/^evicted\s+Complete\s+1\/1\s/);
  }, 120_000);

  it("an Indexed job's successPolicy completes it once index 0 succeeded, reason SuccessPolicy", async () => {
    const spec = '  completions: 3\n  parallelism: 1\n  completionMode: Indexed\n  successPolicy:\n    rules: [{succeededIndexes: "0"}]\n';
    await runToEnd('early', 'sleep 2', spec, 'Complete');
    expect(await conditions('early')).toEqual(ending('Complete', 'SuccessPolicy', 'Matched rules at index 0'));
    expect((await job('early')).status).toMatchObject({ succeeded: 1, completedIndexes: '0' });
    expect(await pods('early')).toHaveLength(1);
    expect(plane.ok(['get', 'job', 'early', '--no-headers'])).toMatch(/^early\s+Complete\s+1\/3\s/);
  }, 120_000);

  it('backoffLimitPerIndex: each index fails twice, its second pod carrying the count, and the job fails on its failed indexes', async () => {
    const spec = '  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n';
    await runToEnd('per-index', 'exit 1', spec, 'Failed');
    expect(await conditions('per-index')).toEqual(ending('Failed', 'FailedIndexes', 'Job has failed indexes'));
    expect((await job('per-index')).status).toMatchObject({ failed: 4, succeeded: 0, failedIndexes: '0,1' });
    expect(await indexCounts('per-index')).toEqual(['0:0', '0:1', '1:0', '1:1']);
    expect(plane.ok(['get', 'job', 'per-index', '--no-headers'])).toMatch(/^per-index\s+Failed\s+0\/2\s/);
  }, 120_000);

  it('a FailIndex rule on exit code 42 fails each index at its first failure: no retry, the job fails on its failed indexes', async () => {
    const spec = '  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n  backoffLimitPerIndex: 1\n  podFailurePolicy:\n    rules:\n    - action: FailIndex\n      onExitCodes: {containerName: main, operator: In, values: [42]}\n';
    await runToEnd('fail-index', 'exit 42', spec, 'Failed');
    expect(await conditions('fail-index')).toEqual(ending('Failed', 'FailedIndexes', 'Job has failed indexes'));
    expect((await job('fail-index')).status).toMatchObject({ failed: 2, succeeded: 0, active: 0, failedIndexes: '0,1' });
    // backoffLimitPerIndex 1 would have retried each index once (as 'per-index' shows); FailIndex did not.
    expect(await indexCounts('fail-index')).toEqual(['0:0', '1:0']);
    expect(await createdPods('fail-index')).toBe(2);
    expect((await pods('fail-index')).every((p) => !p.metadata.finalizers?.includes(FINALIZER))).toBe(true);
    expect(plane.ok(['get', 'job', 'fail-index', '--no-headers'])).toMatch(/^fail-index\s+Failed\s+0\/2\s/);
  }, 120_000);

  it('past maxFailedIndexes the job fails at once, its running pods deleted and counted failed', async () => {
    const spec = '  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n  backoffLimitPerIndex: 0\n  maxFailedIndexes: 0\n';
    plane.ok(['create', '-f', '-'], jobYaml('max-failed', 'sleep 600', spec));
    await plane.waitFor('3 running pods', async () => (await pods('max-failed')).filter((p) => p.status?.phase === 'Running').length === 3, 90_000);
    const victim = (await pods('max-failed')).find((p) => p.metadata.annotations?.[COMPLETION_INDEX] === '1')!;
    // A pod deleted before it finished is a failure (no podFailurePolicy): index 1 fails, one more than allowed.
    plane.ok(['delete', 'pod', victim.metadata.name!, '--wait=false']);
    await plane.waitFor('max-failed Failed', async () => (await finished('max-failed')) === 'Failed', 90_000);
    const exceeded = 'Job has exceeded the specified maximal number of failed indexes';
    expect(await conditions('max-failed')).toEqual(ending('Failed', 'MaxFailedIndexesExceeded', exceeded));
    expect((await job('max-failed')).status).toMatchObject({ failed: 3, succeeded: 0, active: 0, terminating: 0, failedIndexes: '1' });
    expect((await events('max-failed', 'MaxFailedIndexesExceeded')).map((e) => [e['type'], e['message']])).toEqual([['Warning', exceeded]]);
    expect(await createdPods('max-failed')).toBe(3);
    expect(plane.ok(['get', 'job', 'max-failed', '--no-headers'])).toMatch(/^max-failed\s+Failed\s+0\/3\s/);
  }, 150_000);

  it('more pods succeeded than completions (two finished orphans adopted for one): TooManySucceededPods, then Completed', async () => {
    for (const name of ['done-a', 'done-b']) {
      const orphan = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'too-many' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '1'] }] } };
      plane.ok(['create', '-f', '-'], JSON.stringify(orphan));
    }
    const orphans = async (): Promise<Pod[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=too-many' })).items;
    await plane.waitFor('both orphans Succeeded', async () => (await orphans()).filter((p) => p.status?.phase === 'Succeeded').length === 2, 90_000);
    const spec = '  completions: 1\n  parallelism: 1\n  manualSelector: true\n  selector: {matchLabels: {app: too-many}}\n';
    plane.ok(['create', '-f', '-'], jobYaml('too-many', 'sleep 2', spec).replace('  template:\n', '  template:\n    metadata: {labels: {app: too-many}}\n'));
    await plane.waitFor('too-many Complete', async () => (await finished('too-many')) === 'Complete', 90_000);
    expect((await job('too-many')).status).toMatchObject({ succeeded: 2, failed: 0, active: 0 });
    const warned = await events('too-many', 'TooManySucceededPods');
    expect(warned.map((e) => [e['type'], e['message']])).toEqual([['Warning', 'Too many succeeded pods running after completion count reached']]);
    expect((await events('too-many', 'Completed')).map((e) => e['message'])).toEqual(['Job completed']);
    // Both completions came from the adopted pods: none was created.
    expect(await createdPods('too-many')).toBe(0);
    expect((await orphans()).every((p) => p.metadata.ownerReferences?.some((r) => r.name === 'too-many' && r.controller === true))).toBe(true);
    expect(plane.ok(['get', 'job', 'too-many', '--no-headers'])).toMatch(/^too-many\s+Complete\s+2\/1\s/);
  }, 150_000);

  it('suspending a running job deletes its pod without counting it failed; resuming starts it over', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('pausable', 'sleep 600', '  completions: 1\n  parallelism: 1\n'));
    await plane.waitFor('a running pod', async () => (await pods('pausable')).some((p) => p.status?.phase === 'Running'), 90_000);
    const firstStart = (await job('pausable')).status!.startTime!;
    const suspendedAs = async (status: string): Promise<boolean> => (await job('pausable')).status?.conditions?.some((c) => c.type === 'Suspended' && c.status === status) === true;
    plane.ok(['patch', 'job', 'pausable', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
    await plane.waitFor('pausable suspended, its pod gone', async () => (await suspendedAs('True')) && (await pods('pausable')).length === 0, 90_000);
    expect(await conditions('pausable')).toEqual([['Suspended', 'JobSuspended', 'Job suspended']]);
    // The counters are omitted at zero (omitempty), as kube writes them.
    const paused = (await job('pausable')).status!;
    expect([paused.active ?? 0, paused.failed ?? 0, paused.succeeded ?? 0]).toEqual([0, 0, 0]);
    expect((await events('pausable', 'Suspended')).map((e) => e['message'])).toEqual(['Job suspended']);
    expect(plane.ok(['get', 'job', 'pausable', '--no-headers'])).toMatch(/^pausable\s+Suspended\s+0\/1\s/);
    plane.ok(['patch', 'job', 'pausable', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    await plane.waitFor('pausable resumed and running', async () => (await suspendedAs('False')) && (await pods('pausable')).some((p) => p.status?.phase === 'Running'), 90_000);
    expect(await conditions('pausable')).toEqual([['Suspended', 'JobResumed', 'Job resumed']]);
    expect((await events('pausable', 'Resumed')).map((e) => e['message'])).toEqual(['Job resumed']);
    // activeDeadlineSeconds counts from the resume.
    expect(Date.parse((await job('pausable')).status!.startTime!)).toBeGreaterThan(Date.parse(firstStart));
    expect(await createdPods('pausable')).toBe(2);
    expect(plane.ok(['get', 'job', 'pausable', '--no-headers'])).toMatch(/^pausable\s+Running\s+0\/1\s/);
    plane.ok(['delete', 'job', 'pausable', '--wait=false']);
  }, 150_000);

  it('leaves a job another controller manages (spec.managedBy) alone', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('external', 'sleep 1', '  managedBy: example.com/queue\n'));
    // A job created after it and run to its end shows the controller has been past the first one.
    await runToEnd('witness', 'sleep 1', '', 'Complete');
    expect(await pods('external')).toEqual([]);
    expect((await job('external')).status ?? {}).toEqual({});
    expect(await createdPods('external')).toBe(0);
  }, 120_000);

  it('adopts an orphan pod its selector matches and counts it', async () => {
    const orphan = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'adopt-me' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '6'] }] } };
    plane.ok(['create', '-f', '-'], JSON.stringify(orphan));
    const spec = '  completions: 2\n  parallelism: 1\n  manualSelector: true\n  selector: {matchLabels: {app: adopt-me}}\n';
    plane.ok(['create', '-f', '-'], jobYaml('adopter', 'sleep 2', spec).replace('  template:\n', '  template:\n    metadata: {labels: {app: adopt-me}}\n'));
    await plane.waitFor('the orphan adopted', async () => {
      const stray = await plane.client.get<Pod>(Resources.pods, 'default', 'stray');
      return stray.metadata.ownerReferences?.some((r) => r.kind === 'Job' && r.name === 'adopter' && r.controller === true) === true;
    });
    const adopted = await plane.client.get<Pod>(Resources.pods, 'default', 'stray');
    expect(adopted.metadata.finalizers).toContain(FINALIZER);
    await plane.waitFor('adopter Complete', async () => (await finished('adopter')) === 'Complete', 90_000);
    expect((await job('adopter')).status).toMatchObject({ succeeded: 2 });
    // Only the second completion needed a pod of its own.
    expect(await createdPods('adopter')).toBe(1);
    expect(plane.ok(['get', 'job', 'adopter', '--no-headers'])).toMatch(/^adopter\s+Complete\s+2\/2\s/);
  }, 120_000);
});
