// events.k8s.io/v1 Events are stored as core/v1 Events under the same /registry/events keys; the two
// views rename fields (pkg/apis/events/v1 conversion): regarding ↔ involvedObject, note ↔ message,
// deprecated* ↔ the core fields, reportingController ↔ reportingComponent.
import type { KubeObject } from '../schema/types.js';

/** events.k8s.io/v1 field → core/v1 field; the other fields keep their names. */
const RENAMED: Record<string, string> = {
  regarding: 'involvedObject',
  note: 'message',
  deprecatedSource: 'source',
  deprecatedFirstTimestamp: 'firstTimestamp',
  deprecatedLastTimestamp: 'lastTimestamp',
  deprecatedCount: 'count',
  reportingController: 'reportingComponent',
};
const BACK = Object.fromEntries(Object.entries(RENAMED).map(([v1, core]) => [core, v1]));

function renamed(obj: KubeObject, names: Record<string, string>, apiVersion: string): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'Event' };
  for (const [field, value] of Object.entries(obj)) {
    if (field === 'apiVersion' || field === 'kind') continue;
    out[names[field] ?? field] = value;
  }
  return out;
}

export const eventsV1ToCore = (event: KubeObject) => renamed(event, RENAMED, 'v1');
export const coreToEventsV1 = (event: KubeObject) => renamed(event, BACK, 'events.k8s.io/v1');
