// The wire types, loaded once from proto/ with protobufjs, and gRPC service definitions built from them
// (so no generated code and no second proto loader).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

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
  root.resolveAll();
  return root;
}

export const protoRoot = loadRoot();

export function messageType(name: string): protobuf.Type {
  return protoRoot.lookupType(name);
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
