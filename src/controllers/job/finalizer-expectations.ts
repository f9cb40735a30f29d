// The Job controller's finalizerExpectations: per job, the UIDs of pods whose tracking finalizer removal
// was sent but not yet seen by the pod informer. Their outcome is already in the job's status, so a
// sync on a lagging pod cache must not count them again.

export class FinalizerExpectations {
  private readonly byJob = new Map<string, Set<string>>();

  /** The UIDs awaited for this job, as they stand now. */
  of(jobKey: string): ReadonlySet<string> {
    return new Set(this.byJob.get(jobKey));
  }

  expect(jobKey: string, uid: string): void {
    let uids = this.byJob.get(jobKey);
    if (!uids) this.byJob.set(jobKey, (uids = new Set()));
    uids.add(uid);
  }

  /** The pod was seen without the finalizer (or gone), or the removal failed. */
  observed(jobKey: string, uid: string): void {
    const uids = this.byJob.get(jobKey);
    uids?.delete(uid);
    if (uids?.size === 0) this.byJob.delete(jobKey);
  }

  forget(jobKey: string): void {
    this.byJob.delete(jobKey);
  }
}
