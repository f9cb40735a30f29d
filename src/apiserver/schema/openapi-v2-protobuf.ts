// /openapi/v2 in protobuf (gnostic's openapi.v2.Document, `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`),
// the form kubectl 1.27 and 1.28 download to validate manifests: the document's definitions, each schema
// with its $ref, type, format, description, required fields, properties, items, additionalProperties and
// vendor extensions (values as YAML text, which JSON is).
import protobuf from 'protobufjs';
import type { SwaggerDocument } from './openapi-v2.js';

/** What clients ask for; the answer is labelled with the `.v1.0` spelling, which Go's mime parser accepts. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_V2_PROTOBUF_ANSWER = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = Record<string, unknown>;
type Writer = protobuf.Writer;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const BYTES = 2;
const VARINT = 0;
const tag = (field: number, wire: number) => (field << 3) | wire;

function string(w: Writer, field: number, value: unknown): void {
  if (typeof value === 'string' && value !== '') w.uint32(tag(field, BYTES)).string(value);
}

/** A nested message written by `body`. */
function message(w: Writer, field: number, body: (inner: Writer) => void): void {
  w.uint32(tag(field, BYTES)).fork();
  body(w);
  w.ldelim();
}

/** A NamedSchema-like pair: name (1) and a message value (2). */
function named(w: Writer, field: number, name: string, value: (inner: Writer) => void): void {
  message(w, field, (entry) => {
    string(entry, 1, name);
    message(entry, 2, value);
  });
}

function schema(w: Writer, node: Json): void {
  string(w, 1, node['$ref']);
  string(w, 2, node['format']);
  string(w, 4, node['description']);
  for (const field of Array.isArray(node['required']) ? node['required'] : []) string(w, 19, field);
  const additional = node['additionalProperties'];
  if (isJson(additional)) message(w, 21, (item) => message(item, 1, (inner) => schema(inner, additional)));
  else if (typeof additional === 'boolean') message(w, 21, (item) => item.uint32(tag(2, VARINT)).bool(additional));
  if (typeof node['type'] === 'string') message(w, 22, (item) => string(item, 1, node['type']));
  const items = node['items'];
  if (isJson(items)) message(w, 23, (item) => message(item, 1, (inner) => schema(inner, items)));
  const properties = node['properties'];
  if (isJson(properties)) {
    message(w, 25, (props) => {
      for (const [name, value] of Object.entries(properties)) if (isJson(value)) named(props, 1, name, (inner) => schema(inner, value));
    });
  }
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('x-')) named(w, 31, name, (any) => string(any, 2, JSON.stringify(value)));
  }
}

/** The document's version, info and definitions as gnostic's Document message. */
export function openApiV2Protobuf(document: SwaggerDocument): Uint8Array {
  const w = protobuf.Writer.create();
  string(w, 1, document.swagger);
  message(w, 2, (info) => {
    string(info, 1, document.info.title);
    string(info, 2, document.info.version);
  });
  message(w, 9, (definitions) => {
    for (const [name, value] of Object.entries(document.definitions)) if (isJson(value)) named(definitions, 1, name, (inner) => schema(inner, value));
  });
  return w.finish();
}
