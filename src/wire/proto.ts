// The wire types, loaded once from proto/ with protobufjs, and gRPC service definitions built from them
// (so no generated code and no second proto loader).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { Messages } from './messages.js';

function findProtoDir(): string {
  // From src/wire (running from source) or dist/src/wire (built): the nearest proto/ above this file.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'etcdserverpb', 'rpc.proto'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('proto/ directory not found');
}

function loadRoot(): protobuf.Root {
  const protoDir = findProtoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(['etcdserverpb/rpc.proto', 'bargepb/internal.proto', 'grpc/health/v1/health.proto'], { keepCase: true });
  defineLeaseInternal(root);
  root.resolveAll();
  emptyBuffersForBytes(root);
  return root;
}

/**
 * etcd's leasepb.LeaseInternalRequest and LeaseInternalResponse: a time-to-live request or answer wrapped
 * in field 1, the body of POST /leases/internal between a follower and the leader. Defined here rather
 * than in a .proto file of their own: a program bundled into a node_modules shared by several checkouts
 * finds the proto/ of the checkout owning node_modules, which may not have a new file yet.
 */
function defineLeaseInternal(root: protobuf.Root): void {
  const leasepb = root.define('leasepb');
  leasepb.add(new protobuf.Type('LeaseInternalRequest').add(new protobuf.Field('LeaseTimeToLiveRequest', 1, '.etcdserverpb.LeaseTimeToLiveRequest')));
  leasepb.add(new protobuf.Type('LeaseInternalResponse').add(new protobuf.Field('LeaseTimeToLiveResponse', 1, '.etcdserverpb.LeaseTimeToLiveResponse')));
}

const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * protobufjs gives an unset bytes field a shared empty array, not a Buffer; an empty Buffer instead, so a
 * decoded message's bytes are always the Buffer its type says (encode() skips unset fields either way).
 */
function emptyBuffersForBytes(ns: protobuf.NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const prototype = nested.ctor.prototype as Record<string, unknown>;
      for (const field of nested.fieldsArray) if (field.type === 'bytes' && !field.repeated) prototype[field.name] = EMPTY_BUFFER;
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) emptyBuffersForBytes(nested);
  }
}

export const protoRoot = loadRoot();

/** A message type whose encode() and decode() speak its generated interfaces (messages.ts). */
export interface MessageCodec<Decoded, Init> {
  encode(message: Init): protobuf.Writer;
  decode(bytes: Uint8Array): Decoded;
  /** From JSON (base64 bytes, decimal int64 strings) or a message object as encode() takes it. */
  fromObject(json: object): Decoded;
  /** The JSON form (etcd's gRPC gateway: `longs: String, enums: String, bytes: String`). */
  toObject(message: Decoded, options?: protobuf.IConversionOptions): Record<string, unknown>;
}

export function messageType<Name extends keyof Messages>(name: Name): MessageCodec<Messages[Name]['decoded'], Messages[Name]['init']> {
  const type = protoRoot.lookupType(name);
  return {
    encode: (message) => type.encode(message),
    decode: (bytes) => type.decode(bytes) as unknown as Messages[Name]['decoded'],
    fromObject: (json) => type.fromObject(json as Record<string, unknown>) as unknown as Messages[Name]['decoded'],
    toObject: (message, options) => type.toObject(message as protobuf.Message, options),
  };
}

/** The bytes as a Buffer, without a copy (protobufjs already returns Buffers under Node). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A gRPC service definition whose handlers see and return plain protobufjs message objects. */
export function serviceDefinition(serviceName: string): ServiceDefinition {
  const service = protoRoot.lookupService(serviceName);
  const definition: Record<string, ServiceDefinition[string]> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value: object) => asBuffer(request.encode(value).finish()),
      requestDeserialize: (bytes: Buffer) => request.decode(bytes),
      // Already-encoded responses (watch events, see watch-encoding.ts) pass through as they are.
      responseSerialize: (value: object) => asBuffer(value instanceof Uint8Array ? value : response.encode(value).finish()),
      responseDeserialize: (bytes: Buffer) => response.decode(bytes),
      originalName: method.name,
    };
  }
  return definition;
}
