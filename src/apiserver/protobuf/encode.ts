// Kubernetes protobuf answers (`application/vnd.kubernetes.protobuf`): an object, a list or a Status
// written as the generated Go code marshals it (gogo-protobuf, proto2): fields in number order, every
// field of a value struct written even when zero, a pointer only when set, map entries sorted by key,
// repeated scalars unpacked; then wrapped in the `k8s\0` + runtime.Unknown envelope. The inverse of
// decode.ts, so a body kubectl sent re-encodes to the same bytes.

import protobuf from 'protobufjs';
import { MAGIC } from './decode.js';
import { MESSAGES, messageOf } from './kinds.js';
import { isScalar, type FieldShape, type MessageTable } from './message-table.js';

type Writer = protobuf.Writer;
type Json = Record<string, unknown>;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;

const tag = (number: number, wire: number) => ((number << 3) | wire) >>> 0;

/** An object this server cannot write as protobuf (a field its message tables lack, a value of the wrong type). */
export class Unencodable extends Error {}

interface MessagePlan {
  /** Fields in number order, as Go writes them. */
  readonly fields: readonly FieldShape[];
  /** Every JSON key the message (with its inlined structs) reads. */
  readonly keys: ReadonlySet<string>;
}

const plans = new Map<string, MessagePlan>();

function tableOf(name: string): MessageTable {
  const table = MESSAGES.get(name);
  if (!table) throw new Unencodable(`no protobuf message ${name}`);
  return table;
}

function planOf(name: string): MessagePlan {
  let plan = plans.get(name);
  if (!plan) {
    const fields = [...tableOf(name).values()].sort((a, b) => a.number - b.number);
    const keys = new Set<string>();
    for (const field of fields) {
      if (field.inline) for (const key of planOf(field.type).keys) keys.add(key);
      else keys.add(field.json);
    }
    plan = { fields, keys };
    plans.set(name, plan);
  }
  return plan;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** metav1.Time (seconds) or MicroTime (with nanoseconds) from its RFC 3339 JSON form; nothing for the zero time. */
function writeTimestamp(w: Writer, value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'string') throw new Unencodable(`not a time: ${JSON.stringify(value)}`);
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  const millis = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(millis)) throw new Unencodable(`not an RFC 3339 time: ${value}`);
  const seconds = Math.floor(millis / 1000);
  // Go's zero time (0001-01-01T00:00:00Z) is written as an empty message.
  if (seconds === -62135596800) return;
  w.uint32(tag(1, WIRE_VARINT)).int64(seconds);
  w.uint32(tag(2, WIRE_VARINT)).int32(Number((match[2] ?? '').padEnd(9, '0')));
}

function writeScalar(w: Writer, number: number, type: string, value: unknown): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') break;
      w.uint32(tag(number, WIRE_BYTES)).string(value);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) break;
      w.uint32(tag(number, WIRE_VARINT)).int64(value);
      return;
    case 'bool':
      if (typeof value !== 'boolean') break;
      w.uint32(tag(number, WIRE_VARINT)).bool(value);
      return;
    case 'double':
      if (typeof value !== 'number') break;
      w.uint32(tag(number, WIRE_FIXED64)).double(value);
      return;
    default:
      if (typeof value !== 'string') break;
      w.uint32(tag(number, WIRE_BYTES)).bytes(Buffer.from(value, 'base64'));
      return;
  }
  throw new Unencodable(`field ${number}: ${JSON.stringify(value)} is not a ${type}`);
}

/** The body of a message-typed value: an apimachinery well-known type or a generated message. */
function writeMessageBody(w: Writer, type: string, value: unknown): void {
  switch (type) {
    case 'Time':
    case 'MicroTime':
      return writeTimestamp(w, value);
    case 'Quantity':
      if (typeof value !== 'string' && typeof value !== 'number') throw new Unencodable(`not a quantity: ${JSON.stringify(value)}`);
      w.uint32(tag(1, WIRE_BYTES)).string(String(value));
      return;
    case 'IntOrString':
      // {type (0 int, 1 string), intVal, strVal}, all three always written.
      if (typeof value === 'string') w.uint32(tag(1, WIRE_VARINT)).int64(1).uint32(tag(2, WIRE_VARINT)).int32(0).uint32(tag(3, WIRE_BYTES)).string(value);
      else if (typeof value === 'number' && Number.isInteger(value)) w.uint32(tag(1, WIRE_VARINT)).int64(0).uint32(tag(2, WIRE_VARINT)).int32(value).uint32(tag(3, WIRE_BYTES)).string('');
      else throw new Unencodable(`not an int or string: ${JSON.stringify(value)}`);
      return;
    case 'RawExtension':
    case 'FieldsV1':
      if (value !== null && value !== undefined) w.uint32(tag(1, WIRE_BYTES)).bytes(Buffer.from(JSON.stringify(value), 'utf8'));
      return;
    case 'ExtraValue':
      if (!Array.isArray(value)) throw new Unencodable(`not a list: ${JSON.stringify(value)}`);
      for (const item of value) writeScalar(w, 1, 'string', item);
      return;
    // apiextensions' unions, as their UnmarshalJSON fills them: {schema = 1, jSONSchemas = 2} from a schema or a list of
    // them; {allows = 1 (always written), schema = 2} from a bool or a schema (which allows); {schema = 1, property = 2}.
    case 'JSONSchemaPropsOrArray':
      if (Array.isArray(value)) for (const item of value) writeValue(w, 2, 'JSONSchemaProps', item);
      else writeValue(w, 1, 'JSONSchemaProps', value);
      return;
    case 'JSONSchemaPropsOrBool':
      if (typeof value !== 'boolean' && !isObject(value)) throw new Unencodable(`not a bool or a schema: ${JSON.stringify(value)}`);
      w.uint32(tag(1, WIRE_VARINT)).bool(value !== false);
      if (isObject(value)) writeValue(w, 2, 'JSONSchemaProps', value);
      return;
    case 'JSONSchemaPropsOrStringArray':
      if (Array.isArray(value)) for (const item of value) writeScalar(w, 2, 'string', item);
      else writeValue(w, 1, 'JSONSchemaProps', value);
      return;
    default:
      if (value !== null && value !== undefined && !isObject(value)) throw new Unencodable(`${type}: not an object: ${JSON.stringify(value)}`);
      writeMessage(w, type, value ?? {}, false);
  }
}

/** One value of a field: a scalar, or a message as a length-delimited field. */
function writeValue(w: Writer, number: number, type: string, value: unknown): void {
  if (isScalar(type)) return writeScalar(w, number, type, value);
  w.uint32(tag(number, WIRE_BYTES)).fork();
  writeMessageBody(w, type, value);
  w.ldelim();
}

function writeField(w: Writer, field: FieldShape, obj: Json): void {
  if (field.inline) {
    // An inlined struct's fields sit in the parent's JSON object (whose keys the parent checked).
    w.uint32(tag(field.number, WIRE_BYTES)).fork();
    writeFields(w, field.type, obj);
    w.ldelim();
    return;
  }
  const value = obj[field.json];
  if (field.map) {
    if (value === null || value === undefined) return;
    if (!isObject(value)) throw new Unencodable(`${field.json}: not a map`);
    for (const key of Object.keys(value).sort()) {
      w.uint32(tag(field.number, WIRE_BYTES)).fork();
      w.uint32(tag(1, WIRE_BYTES)).string(key);
      writeValue(w, 2, field.type, value[key]);
      w.ldelim();
    }
    return;
  }
  if (field.repeated) {
    if (value === null || value === undefined) return;
    if (!Array.isArray(value)) throw new Unencodable(`${field.json}: not a list`);
    for (const item of value) writeValue(w, field.number, field.type, item);
    return;
  }
  if (value === null || value === undefined) {
    if (field.pointer) return;
    // A value field that JSON left out is Go's zero value, and Go writes it.
    if (field.type === 'string' || field.type === 'bytes') return writeScalar(w, field.number, field.type, '');
    if (field.type === 'int' || field.type === 'double') return writeScalar(w, field.number, field.type, 0);
    if (field.type === 'bool') return writeScalar(w, field.number, field.type, false);
    if (field.type === 'Quantity') return writeValue(w, field.number, field.type, '0');
    if (field.type === 'IntOrString') return writeValue(w, field.number, field.type, 0);
  }
  writeValue(w, field.number, field.type, value);
}

function writeFields(w: Writer, name: string, obj: Json): void {
  for (const field of planOf(name).fields) writeField(w, field, obj);
}

function writeMessage(w: Writer, name: string, obj: Json, topLevel: boolean): void {
  const { keys } = planOf(name);
  for (const key of Object.keys(obj)) {
    // An object's own kind and apiVersion are the envelope's (or, for list items, nowhere).
    if (topLevel && (key === 'kind' || key === 'apiVersion')) continue;
    if (!keys.has(key) && obj[key] !== null && obj[key] !== undefined) throw new Unencodable(`${name} has no field ${key}`);
  }
  writeFields(w, name, obj);
}

/** The `k8s\0` magic and runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}. */
export function kubernetesEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(tag(1, WIRE_BYTES)).fork().uint32(tag(1, WIRE_BYTES)).string(apiVersion).uint32(tag(2, WIRE_BYTES)).string(kind).ldelim();
  w.uint32(tag(2, WIRE_BYTES)).bytes(raw);
  w.uint32(tag(3, WIRE_BYTES)).string('');
  w.uint32(tag(4, WIRE_BYTES)).string('');
  return Buffer.concat([MAGIC, w.finish()]);
}

/** Whether objects of this kind (or lists of them) can be answered in protobuf. */
export function hasProtobufMessage(apiVersion: string, kind: string): boolean {
  return messageOf(apiVersion, kind) !== undefined;
}

/**
 * An object or a `<Kind>List` of objects in its envelope. Throws Unencodable for a kind without a
 * message or an object with a field this server's messages do not have.
 */
export function encodeKubernetesProtobuf(obj: Json): Buffer {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const w = protobuf.Writer.create();
  const message = messageOf(apiVersion, kind);
  const itemMessage = kind.endsWith('List') ? messageOf(apiVersion, kind.slice(0, -'List'.length)) : undefined;
  if (message !== undefined) {
    writeMessage(w, message, obj, true);
  } else if (itemMessage !== undefined) {
    // Every <Kind>List message: ListMeta metadata = 1, repeated <Kind> items = 2.
    writeValue(w, 1, 'ListMeta', obj['metadata'] ?? {});
    const items = obj['items'] ?? [];
    if (!Array.isArray(items)) throw new Unencodable(`${kind}: items is not a list`);
    for (const item of items) {
      if (!isObject(item)) throw new Unencodable(`${kind}: an item is not an object`);
      w.uint32(tag(2, WIRE_BYTES)).fork();
      writeMessage(w, itemMessage, item, true);
      w.ldelim();
    }
  } else {
    throw new Unencodable(`no protobuf message for ${apiVersion} ${kind}`);
  }
  return kubernetesEnvelope(apiVersion, kind, w.finish());
}

/**
 * One event of a protobuf watch (`;stream=watch`): a 4-byte big-endian length, then a
 * metav1.WatchEvent{type, object: RawExtension{raw: the object's envelope}} with no envelope of its own.
 */
export function watchEventFrame(type: string, object: Buffer): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(tag(1, WIRE_BYTES)).string(type);
  w.uint32(tag(2, WIRE_BYTES)).fork().uint32(tag(1, WIRE_BYTES)).bytes(object).ldelim();
  const event = w.finish();
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}
