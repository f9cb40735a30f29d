// The front end's grpc-message, byte for byte as etcd's grpc-go writes it.

import { describe, expect, it } from 'vitest';
import { encodeGrpcMessage } from '../../../src/api/lean-grpc.js';

describe('encodeGrpcMessage', () => {
  it.each([
    ['etcdserver: no leader', 'etcdserver: no leader'],
    ['grpc: received message larger than max (2097153 vs. 2097152)', 'grpc: received message larger than max (2097153 vs. 2097152)'],
    ['100% done', '100%25 done'],
    ['line\nbreak\ttab', 'line%0Abreak%09tab'],
    ['clé ☃', 'cl%C3%A9 %E2%98%83'],
    ['', ''],
  ])('%j → %j', (details, wire) => {
    expect(encodeGrpcMessage(details)).toBe(wire);
    expect(decodeURIComponent(wire)).toBe(details);
  });
});
