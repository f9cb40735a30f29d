import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from '../../../src/apiserver/storage/continue-token.js';

describe('continue tokens', () => {
  it('carry the revision and the next key as kube-apiserver encodes them', () => {
    const token = encodeContinue(42, 'default/nginx');
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'default/nginx' });
    expect(decodeContinue(token)).toEqual({ revision: 42, start: 'default/nginx' });
  });

  it('refuse tampered tokens with a 400', () => {
    expect(() => decodeContinue('not-json')).toThrow(/continue key is not valid/);
    expect(() => decodeContinue(encodeContinue(42, '../secrets'))).toThrow(/continue key is not valid/);
  });
});
