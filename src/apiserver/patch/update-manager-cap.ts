// kube-apiserver keeps at most 10 Update entries: past that, the oldest are folded, per apiVersion,
// into an "ancient-changes" entry that takes the time of the newest update folded in.
import { managerIdentity, type ManagerRecord } from './managed-fields.js';

const MAX_UPDATE_MANAGERS = 10;
const BUCKET_MANAGER = 'ancient-changes';

export function capUpdateManagers(records: ManagerRecord[]): ManagerRecord[] {
  const live = records.filter((r) => !r.set.isEmpty());
  const updaters = live.filter((r) => r.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return live;
  const seconds = (r: ManagerRecord) => (r.time ? Math.floor(Date.parse(r.time) / 1000) : 0);
  updaters.sort((a, b) => seconds(a) - seconds(b) || (managerIdentity(a) < managerIdentity(b) ? -1 : 1));

  const kept = new Set(live);
  const firstOfVersion = new Map<string, ManagerRecord>();
  const buckets = new Map<string, ManagerRecord>();
  let count = updaters.length;
  for (const r of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(r.apiVersion);
    if (!first) {
      firstOfVersion.set(r.apiVersion, r);
      continue;
    }
    let bucket = buckets.get(r.apiVersion);
    if (!bucket) {
      kept.delete(first);
      bucket = { manager: BUCKET_MANAGER, operation: 'Update', apiVersion: r.apiVersion, subresource: '', time: first.time, set: first.set };
      buckets.set(r.apiVersion, bucket);
      kept.add(bucket);
    }
    bucket.set = bucket.set.union(r.set);
    bucket.time = r.time;
    kept.delete(r);
    count--;
  }
  return [...kept];
}
