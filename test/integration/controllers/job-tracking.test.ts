// Job tracking with finalizers end to end with real kubectl on a whole Barge control plane (hollow
// kubelets run `sleep N` to completion): every pod a Job creates carries batch.kubernetes.io/job-tracking
// while it runs, none is left once the Job completes, a succeeded pod a user deletes stays counted (no
// replacement is made), and a running pod a user deletes counts as a failure.

import { describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';
import type { Pod } from '../../../src/controllers/shared/types.js';
import { controlPlane } from './control-plane.js';

const FINALIZER = 'batch.kubernetes.io/job-tracking';

const jobYaml = (name: string, completions: number, parallelism: number, seconds: number): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
  completions: ${completions}
  parallelism: ${parallelism}
  backoffLimit: 6
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers: [{name: work, image: busybox, command: [sleep, "${seconds}"]}]
`;

describe('job tracking finalizers', () => {
  const plane = controlPlane({ nodes: 2, prefix: 'jt' });
  const pods = async (job: string): Promise<Pod[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: `job-name=${job}` })).items;
  const job = (name: string): Promise<Job> => plane.client.get<Job>(Resources.jobs, 'default', name);
  const condition = async (name: string): Promise<string | undefined> =>
    (await job(name)).status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type;
  const createdPods = async (name: string): Promise<number> =>
    (await plane.client.list<KubeObject & { count?: number }>(Resources.events, { namespace: 'default', fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name},reason=SuccessfulCreate` })).items.reduce((sum, event) => sum + (event.count ?? 1), 0);

  it('pods carry the finalizer while running, a deleted succeeded pod stays counted, none is left at the end', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('counted', 3, 1, 3));
    await plane.waitFor('the first pod running', async () => (await pods('counted')).some((p) => p.status?.phase === 'Running'));
    const running = (await pods('counted')).find((p) => p.status?.phase === 'Running')!;
    expect(running.metadata.finalizers).toContain(FINALIZER);

    // The first pod succeeds; a user deletes it. Its success is in the counter, so no fourth pod is made.
    await plane.waitFor('the first success counted', async () => (await job('counted')).status?.succeeded === 1, 60_000);
    const first = (await pods('counted')).find((p) => p.status?.phase === 'Succeeded')!;
    plane.ok(['delete', 'pod', first.metadata.name!]);
    await plane.waitFor('counted Complete', async () => (await condition('counted')) === 'Complete', 90_000);

    const done = await job('counted');
    expect(done.status).toMatchObject({ succeeded: 3, failed: 0, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    // As 1.32 ends a job: SuccessCriteriaMet, then Complete once its pods are counted.
    const reached = { status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    expect(done.status?.conditions).toMatchObject([{ type: 'SuccessCriteriaMet', ...reached }, { type: 'Complete', ...reached }]);
    expect(done.status?.completionTime).toBeDefined();
    expect(await createdPods('counted')).toBe(3);
    const left = await pods('counted');
    expect(left).toHaveLength(2);
    expect(left.filter((p) => (p.metadata.finalizers ?? []).includes(FINALIZER))).toEqual([]);
    expect(plane.ok(['get', 'job', 'counted', '--no-headers'])).toMatch(/^counted\s+Complete\s+3\/3\s/);
  }, 180_000);

  it('a running pod deleted by a user counts as failed and is replaced', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('interrupted', 1, 1, 4));
    await plane.waitFor('a running pod', async () => (await pods('interrupted')).some((p) => p.status?.phase === 'Running'));
    const victim = (await pods('interrupted')).find((p) => p.status?.phase === 'Running')!;
    plane.ok(['delete', 'pod', victim.metadata.name!, '--wait=false']);
    await plane.waitFor('the failure counted', async () => (await job('interrupted')).status?.failed === 1);
    await plane.waitFor('interrupted Complete', async () => (await condition('interrupted')) === 'Complete', 90_000);
    const done = await job('interrupted');
    expect(done.status).toMatchObject({ succeeded: 1, failed: 1, uncountedTerminatedPods: {} });
    expect(await createdPods('interrupted')).toBe(2);
    // The deleted pod was held only until counted; it is gone now.
    await plane.waitFor('the deleted pod gone', async () => !(await pods('interrupted')).some((p) => p.metadata.uid === victim.metadata.uid));
    expect((await pods('interrupted')).flatMap((p) => p.metadata.finalizers ?? [])).toEqual([]);
  }, 180_000);

  it('deleting a running job releases its pods so the garbage collector removes them', async () => {
    plane.ok(['create', '-f', '-'], jobYaml('dropped', 2, 2, 600));
    await plane.waitFor('2 running pods with the finalizer', async () => {
      const all = await pods('dropped');
      return all.length === 2 && all.every((p) => p.status?.phase === 'Running' && (p.metadata.finalizers ?? []).includes(FINALIZER));
    });
    plane.ok(['delete', 'job', 'dropped']);
    await plane.waitFor('the pods gone', async () => (await pods('dropped')).length === 0, 90_000);
  }, 150_000);
});
