// The shape of Kubernetes' generated.proto messages as this server reads them: per message, each
// field's number, its JSON name and type, and how Go's encoding/json prints it (omitempty or not,
// pointer or value), so a protobuf body becomes the JSON object the same client would have sent.
//
// A message is written as one string of `jsonName=number[:type]` words:
//   type    string (the default), int (any varint integer), bool, bytes (base64 in JSON), double,
//           Time, MicroTime, IntOrString, Quantity, RawExtension, FieldsV1, ExtraValue (a
//           message of strings that JSON prints as a list), JSONSchemaPropsOr{Array,Bool,StringArray}
//           (a schema, or what JSON writes in its place), or a message name
//   []T     a repeated field (T defaults to string); map and map<T> a map from strings (to T, default string)
//   *T      a Go pointer: printed whenever it was sent, even as a zero value
//   !T      a field without omitempty: printed even when empty (as its zero value, or null)
//   ^T      (no JSON name: `^=2:^VolumeSource`) a struct embedded inline: its fields join the parent's

export type ScalarType = 'string' | 'int' | 'bool' | 'bytes' | 'double';
export type WellKnownType =
  | 'Time' | 'MicroTime' | 'IntOrString' | 'Quantity' | 'RawExtension' | 'FieldsV1' | 'ExtraValue'
  | 'JSONSchemaPropsOrArray' | 'JSONSchemaPropsOrBool' | 'JSONSchemaPropsOrStringArray';

export interface FieldShape {
  readonly json: string;
  readonly number: number;
  /** A scalar, a well-known apimachinery type, or the name of another message. */
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly pointer: boolean;
  readonly keepEmpty: boolean;
  readonly inline: boolean;
}

export type MessageTable = ReadonlyMap<number, FieldShape>;

const SCALARS = new Set<string>(['string', 'int', 'bool', 'bytes', 'double']);
const WELL_KNOWN = new Set<string>([
  'Time', 'MicroTime', 'IntOrString', 'Quantity', 'RawExtension', 'FieldsV1', 'ExtraValue',
  'JSONSchemaPropsOrArray', 'JSONSchemaPropsOrBool', 'JSONSchemaPropsOrStringArray',
]);

export const isScalar = (type: string): type is ScalarType => SCALARS.has(type);
export const isWellKnown = (type: string): type is WellKnownType => WELL_KNOWN.has(type);

function parseField(word: string): FieldShape {
  const match = /^([\w^$-]+)=(\d+)(?::([!*^]*)(\[\])?(map)?(?:<(\w+)>)?([!*^]*)(\w+)?)?$/.exec(word);
  if (!match) throw new Error(`bad protobuf field shape '${word}'`);
  const [, json, number, before = '', list, map, mapValue, after = '', named] = match;
  const flags = before + after;
  const type = mapValue ?? named ?? 'string';
  return {
    json: json!,
    number: Number(number),
    type,
    repeated: list !== undefined,
    map: map !== undefined,
    pointer: flags.includes('*'),
    keepEmpty: flags.includes('!'),
    inline: flags.includes('^'),
  };
}

/** Parses messages written as shape strings (see above) into tables by field number. */
export function messageTables(shapes: Readonly<Record<string, string>>): Map<string, MessageTable> {
  const tables = new Map<string, MessageTable>();
  for (const [name, shape] of Object.entries(shapes)) {
    const fields = new Map<number, FieldShape>();
    for (const word of shape.split(/\s+/).filter(Boolean)) {
      const field = parseField(word);
      if (fields.has(field.number)) throw new Error(`${name}: field ${field.number} twice`);
      fields.set(field.number, field);
    }
    tables.set(name, fields);
  }
  return tables;
}
