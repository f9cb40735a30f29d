// Kubernetes' protobuf request bodies (`application/vnd.kubernetes.protobuf`, what kubectl 1.32+ typed
// commands send): the `k8s\0` magic, a runtime.Unknown envelope {typeMeta, raw, contentEncoding,
// contentType} and the kind's generated message, decoded into the JSON object the same client sends
// as JSON: Go's field names and omitempty rules, apimachinery's JSON forms of Time, Quantity,
// IntOrString, RawExtension and FieldsV1.

import protobuf from 'protobufjs';
import { badRequest } from '../errors/status.js';
import { MESSAGES, messageOf } from './kinds.js';
import { isScalar, type FieldShape, type MessageTable } from './message-table.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

export const MAGIC = Buffer.from('k8s\0', 'latin1');

type Reader = protobuf.Reader;
const WIRE_VARINT = 0;
const WIRE_BYTES = 2;

export function isKubernetesProtobuf(body: Buffer): boolean {
  return body.length >= MAGIC.length && body.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Calls `onField` for each field of a message; the callback reads the value or skips it. */
function eachField(bytes: Uint8Array, onField: (number: number, wire: number, reader: Reader) => void): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    onField(tag >>> 3, tag & 7, reader);
  }
}

/** A signed 64-bit varint as a JSON number (protobufjs gives a Long when the long package is present). */
const toNumber = (value: protobuf.Long | number) => (typeof value === 'number' ? value : protobuf.util.LongBits.from(value).toNumber(false));

/** RFC 3339 in UTC as metav1.Time (seconds) or MicroTime (microseconds) prints it; null for the zero time. */
function timestamp(bytes: Uint8Array, micro: boolean): string | null {
  let seconds = 0;
  let nanos = 0;
  eachField(bytes, (number, wire, reader) => {
    if (number === 1 && wire === WIRE_VARINT) seconds = toNumber(reader.int64());
    else if (number === 2 && wire === WIRE_VARINT) nanos = reader.int32();
    else reader.skipType(wire);
  });
  if (seconds === 0 && nanos === 0) return null;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** A message whose fields are all strings, by field number (the last of each; repeated ones in order). */
function strings(bytes: Uint8Array): Map<number, string[]> {
  const out = new Map<number, string[]>();
  eachField(bytes, (number, wire, reader) => {
    if (wire !== WIRE_BYTES) return reader.skipType(wire);
    out.set(number, [...(out.get(number) ?? []), reader.string()]);
  });
  return out;
}

function intOrString(bytes: Uint8Array): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  eachField(bytes, (number, wire, reader) => {
    if (number === 1 && wire === WIRE_VARINT) type = toNumber(reader.int64());
    else if (number === 2 && wire === WIRE_VARINT) intVal = reader.int32();
    else if (number === 3 && wire === WIRE_BYTES) strVal = reader.string();
    else reader.skipType(wire);
  });
  return type === 1 ? strVal : intVal;
}

/** RawExtension and FieldsV1 carry JSON bytes in field 1. */
function rawJson(bytes: Uint8Array): unknown {
  let raw: Uint8Array | undefined;
  eachField(bytes, (number, wire, reader) => {
    if (number === 1 && wire === WIRE_BYTES) raw = reader.bytes();
    else reader.skipType(wire);
  });
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw badRequest('proto: embedded object is not JSON');
  }
}

/**
 * apiextensions' unions as their MarshalJSON writes them: a list when its list field (2) has items, else
 * the schema (1) if any; JSONSchemaPropsOrBool's field 1 is the bool written when there is no schema.
 */
function schemaUnion(type: string, bytes: Uint8Array): unknown {
  let schema: Record<string, unknown> | undefined;
  let allows = false;
  const list: unknown[] = [];
  const orBool = type === 'JSONSchemaPropsOrBool';
  eachField(bytes, (number, wire, reader) => {
    if (number === (orBool ? 2 : 1) && wire === WIRE_BYTES) schema = decodeMessage('JSONSchemaProps', reader.bytes());
    else if (orBool && number === 1 && wire === WIRE_VARINT) allows = reader.bool();
    else if (!orBool && number === 2 && wire === WIRE_BYTES) list.push(type === 'JSONSchemaPropsOrArray' ? decodeMessage('JSONSchemaProps', reader.bytes()) : reader.string());
    else reader.skipType(wire);
  });
  if (orBool) return schema ?? allows;
  return list.length > 0 ? list : (schema ?? null);
}

/** A value of a singular or repeated message-typed field. */
function messageValue(type: string, bytes: Uint8Array): unknown {
  switch (type) {
    case 'Time':
      return timestamp(bytes, false);
    case 'MicroTime':
      return timestamp(bytes, true);
    case 'IntOrString':
      return intOrString(bytes);
    case 'Quantity':
      return strings(bytes).get(1)?.at(-1) || '0';
    case 'ExtraValue':
      return strings(bytes).get(1) ?? [];
    case 'RawExtension':
    case 'FieldsV1':
      return rawJson(bytes);
    case 'JSONSchemaPropsOrArray':
    case 'JSONSchemaPropsOrBool':
    case 'JSONSchemaPropsOrStringArray':
      return schemaUnion(type, bytes);
    default:
      return decodeMessage(type, bytes);
  }
}

function scalarValue(type: string, reader: Reader): unknown {
  switch (type) {
    case 'string':
      return reader.string();
    case 'int':
      return toNumber(reader.int64());
    case 'bool':
      return reader.bool();
    case 'double':
      return reader.double();
    default:
      return Buffer.from(reader.bytes()).toString('base64');
  }
}

/** The values one occurrence of a field holds (several for a packed repeated scalar). */
function readValues(field: FieldShape, wire: number, reader: Reader, message: string): unknown[] {
  const packable = field.repeated && (field.type === 'int' || field.type === 'bool' || field.type === 'double');
  if (packable && wire === WIRE_BYTES) {
    const end = reader.uint32() + reader.pos;
    const values: unknown[] = [];
    while (reader.pos < end) values.push(scalarValue(field.type, reader));
    return values;
  }
  const expected = isScalar(field.type) && field.type !== 'string' && field.type !== 'bytes' && !field.map ? (field.type === 'double' ? 1 : WIRE_VARINT) : WIRE_BYTES;
  if (wire !== expected) throw badRequest(`proto: wrong wireType = ${wire} for field ${field.json} of ${message}`);
  if (field.map) {
    let key = '';
    let value: unknown = isScalar(field.type) ? (field.type === 'string' ? '' : null) : null;
    eachField(reader.bytes(), (number, entryWire, entry) => {
      if (number === 1) key = entry.string();
      else if (number === 2) value = isScalar(field.type) ? scalarValue(field.type, entry) : messageValue(field.type, entry.bytes());
      else entry.skipType(entryWire);
    });
    return [[key, value]];
  }
  return [isScalar(field.type) ? scalarValue(field.type, reader) : messageValue(field.type, reader.bytes())];
}

const isZero = (value: unknown) => value === '' || value === 0 || value === false || value === null;

function zeroValue(field: FieldShape): unknown {
  // A nil pointer without omitempty (a webhook's sideEffects) prints as null.
  if (field.pointer) return null;
  if (field.type === 'string') return '';
  if (field.type === 'int' || field.type === 'double') return 0;
  if (field.type === 'bool') return false;
  return null;
}

/** One message as Go's encoding/json prints the struct it decodes into. */
function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  const table: MessageTable | undefined = MESSAGES.get(name);
  // An empty message is a zero struct, `{}` whatever its fields (a new Pod's status, say).
  if (!table && bytes.length === 0) return {};
  if (!table) throw badRequest(`proto: ${name} is not supported by this server`);
  const seen = new Map<FieldShape, unknown[]>();
  try {
    eachField(bytes, (number, wire, reader) => {
      const field = table.get(number);
      if (!field) throw badRequest(`proto: ${name}: field ${number} is not supported by this server`);
      seen.set(field, [...(seen.get(field) ?? []), ...readValues(field, wire, reader, name)]);
    });
  } catch (err) {
    if (err instanceof RangeError) throw badRequest(`proto: ${name}: unexpected EOF`);
    throw err;
  }
  const out: Record<string, unknown> = {};
  for (const field of table.values()) {
    const values = seen.get(field);
    if (field.inline) {
      if (values?.length) Object.assign(out, values.at(-1));
    } else if (field.map) {
      if (values?.length) out[field.json] = Object.fromEntries(values as [string, unknown][]);
      else if (field.keepEmpty) out[field.json] = null;
    } else if (field.repeated) {
      if (values?.length) out[field.json] = values;
      else if (field.keepEmpty) out[field.json] = null;
    } else if (values === undefined) {
      if (field.keepEmpty) out[field.json] = zeroValue(field);
    } else {
      const value = values.at(-1);
      // A struct sent is a struct printed; a scalar only when set, pointed to, or without omitempty.
      if (!isScalar(field.type) || field.pointer || field.keepEmpty || !isZero(value)) out[field.json] = value;
    }
  }
  return out;
}

/** The JSON object of a protobuf body; a 400 Status for anything that is not one this server reads. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (!isKubernetesProtobuf(body)) throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  let typeMeta = new Map<number, string[]>();
  let raw: Uint8Array = new Uint8Array();
  let contentEncoding = '';
  try {
    eachField(body.subarray(MAGIC.length), (number, wire, reader) => {
      if (number === 1 && wire === WIRE_BYTES) typeMeta = strings(reader.bytes());
      else if (number === 2 && wire === WIRE_BYTES) raw = reader.bytes();
      else if (number === 3 && wire === WIRE_BYTES) contentEncoding = reader.string();
      else reader.skipType(wire);
    });
  } catch {
    throw badRequest('proto: Unknown: unexpected EOF');
  }
  const apiVersion = typeMeta.get(1)?.at(-1) ?? '';
  const kind = typeMeta.get(2)?.at(-1) ?? '';
  if (contentEncoding !== '') throw badRequest(`unsupported protobuf content encoding "${contentEncoding}"`);
  const message = messageOf(apiVersion, kind);
  if (message === undefined) {
    throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  return { kind, apiVersion, ...decodeMessage(message, raw) };
}
