// Apply bodies: kubectl sends JSON, other clients YAML; anything else is kube's 400.
import { describe, expect, it } from 'vitest';
import { parseApplyPatchBody } from '../../../../src/apiserver/patch/index.js';
import { catchPatchError } from './catch-patch-error.js';

describe('parseApplyPatchBody', () => {
  it('reads JSON and YAML alike', () => {
    const expected = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(parseApplyPatchBody(JSON.stringify(expected))).toEqual(expected);
    expect(parseApplyPatchBody('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n')).toEqual(expected);
  });

  it.each([
    ['a list', '- a\n- b\n', /^error decoding YAML: .*cannot unmarshal array into Go value of type map\[string\]interface \{\}$/],
    ['broken YAML', 'a: [1, 2\n', /^error decoding YAML: /],
    ['duplicate keys', 'a: 1\na: 2\n', /^error decoding YAML: /],
  ])('answers 400 for %s', (_name, body, message) => {
    const err = catchPatchError(() => parseApplyPatchBody(body));
    expect([err.code, err.reason]).toEqual([400, 'BadRequest']);
    expect(err.message).toMatch(message);
  });
});
