// Event, Lease, EndpointSlice and RBAC tables as kube's printers compute them.
import type { KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { ageSince } from './human-duration.js';
import { firstThree } from './core-tables.js';
import { numberAt, recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const wide = { priority: 1 };

/** The fields printEvent reads, from either API's shape (events.k8s.io converts to the core type first). */
interface EventView {
  involved: Json | undefined;
  source: Json | undefined;
  message: string;
  first: string | undefined;
  last: string | undefined;
  eventTime: string | undefined;
  series: Json | undefined;
  count: number;
}

const coreView = (e: KubeObject): EventView => ({
  involved: recordAt(e, 'involvedObject'),
  source: recordAt(e, 'source'),
  message: stringAt(e, 'message') ?? '',
  first: stringAt(e, 'firstTimestamp'),
  last: stringAt(e, 'lastTimestamp'),
  eventTime: stringAt(e, 'eventTime'),
  series: recordAt(e, 'series'),
  count: numberAt(e, 'count') ?? 0,
});

const v1View = (e: KubeObject): EventView => ({
  involved: recordAt(e, 'regarding'),
  source: recordAt(e, 'deprecatedSource'),
  message: stringAt(e, 'note') ?? '',
  first: stringAt(e, 'deprecatedFirstTimestamp'),
  last: stringAt(e, 'deprecatedLastTimestamp'),
  eventTime: stringAt(e, 'eventTime'),
  series: recordAt(e, 'series'),
  count: numberAt(e, 'deprecatedCount') ?? 0,
});

function eventSource(view: EventView, e: KubeObject): string {
  const component = stringAt(view.source, 'component') ?? '';
  const host = stringAt(view.source, 'host') ?? '';
  const [who, where] = component || host ? [component, host] : [stringAt(e, 'reportingController') ?? stringAt(e, 'reportingComponent') ?? '', stringAt(e, 'reportingInstance') ?? ''];
  if (!who) return '<unknown>';
  return where ? `${who}, ${where}` : who;
}

function eventRow(view: EventView, e: KubeObject, now: Date): unknown[] {
  const first = view.first ? ageSince(view.first, now) : ageSince(view.eventTime, now);
  let last = view.last ? ageSince(view.last, now) : first;
  let count = view.count;
  if (view.series) {
    last = ageSince(stringAt(view.series, 'lastObservedTime'), now);
    count = numberAt(view.series, 'count') ?? 0;
  } else if (count === 0) count = 1;
  const kind = (stringAt(view.involved, 'kind') ?? '').toLowerCase();
  const name = stringAt(view.involved, 'name');
  return [
    last,
    stringAt(e, 'type') ?? '',
    stringAt(e, 'reason') ?? '',
    name ? `${kind}/${name}` : kind,
    stringAt(view.involved, 'fieldPath') ?? '',
    eventSource(view, e),
    view.message.trim(),
    first,
    count,
    nameOf(e),
  ];
}

const EVENT_COLUMNS = [
  column('Last Seen', 'Time when this Event was last seen'),
  column('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
  column('Reason', 'Reason is why the action was taken. It is human-readable. This field can have at most 128 characters.'),
  column('Object', 'Object this event is about.'),
  column('Subobject', 'If the event is about a piece of an object, the path to it.', wide),
  column('Source', 'The component reporting this event. Should be a short machine understandable string.', wide),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'Time when this Event was first seen', wide),
  column('Count', 'The number of times this event has occurred.', wide),
  column('Name', "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", { ...wide, format: 'name' }),
];

export const coreEventTable: TableDefinition = { columns: EVENT_COLUMNS, row: (e, now) => eventRow(coreView(e), e, now) };
export const eventsV1Table: TableDefinition = { columns: EVENT_COLUMNS, row: (e, now) => eventRow(v1View(e), e, now) };

export const leaseTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Holder', 'The holder of the lease'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), stringAt(recordAt(obj, 'spec'), 'holderIdentity') ?? '', ageOf(obj, now)],
};

export const endpointSliceTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'The IP protocol for this slice'),
    column('Ports', 'The ports of the endpoint slice'),
    column('Endpoints', 'First 3 endpoints of the slice'),
    AGE_COLUMN,
  ],
  row: (obj, now) => {
    const ports = recordsAt(obj, 'ports').map((p) => (numberAt(p, 'port') !== undefined ? String(p.port) : stringAt(p, 'name') || '*'));
    const addresses = recordsAt(obj, 'endpoints').flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : []));
    return [nameOf(obj), stringAt(obj, 'addressType') ?? '', firstThree(ports, '<unset>'), firstThree(addresses, '<unset>'), ageOf(obj, now)];
  },
};

function subjects(binding: KubeObject, kind: string): string {
  return recordsAt(binding, 'subjects')
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${stringAt(s, 'namespace') ?? ''}/${stringAt(s, 'name') ?? ''}` : (stringAt(s, 'name') ?? '')))
    .join(', ');
}

export const roleBindingTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Role', 'Role of the binding'),
    AGE_COLUMN,
    column('Users', 'Users in the binding', wide),
    column('Groups', 'Groups in the binding', wide),
    column('ServiceAccounts', 'ServiceAccounts in the binding', wide),
  ],
  row: (obj, now) => {
    const roleRef = recordAt(obj, 'roleRef');
    return [nameOf(obj), `${stringAt(roleRef, 'kind') ?? ''}/${stringAt(roleRef, 'name') ?? ''}`, ageOf(obj, now), subjects(obj, 'User'), subjects(obj, 'Group'), subjects(obj, 'ServiceAccount')];
  },
};
