// PATCH bodies by Content-Type: JSON types with Go's syntax messages in the 400s, merge patches'
// "Invalid JSON Patch", 415 for a type the resource does not take; apply bodies in JSON or YAML.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PATCH_TYPES,
  CUSTOM_RESOURCE_PATCH_TYPES,
  decodePatchBody,
  parseApplyPatchBody,
} from '../../../../src/apiserver/patch/index.js';
import { goJsonSyntaxError } from '../../../../src/apiserver/patch/go-json-syntax.js';
import { catchPatchError } from './catch-patch-error.js';

describe('goJsonSyntaxError', () => {
  it.each([
    ['', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['01', "invalid character '1' after top-level value"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\n\\t\\"\\u00e9\\/"', undefined],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['{} {}', "invalid character '{' after top-level value"],
    [' {"a": [1, 2.5e-3, true, null, "x"]} ', undefined],
  ])('%j', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });
});

describe('decodePatchBody', () => {
  it('decodes each JSON patch type and applies bodies as YAML', () => {
    expect(decodePatchBody('application/json-patch+json', '[{"op":"remove","path":"/a"}]', BUILTIN_PATCH_TYPES)).toEqual([{ op: 'remove', path: '/a' }]);
    expect(decodePatchBody('application/strategic-merge-patch+json', '{"a":1}', BUILTIN_PATCH_TYPES)).toEqual({ a: 1 });
    expect(decodePatchBody('application/apply-patch+yaml', 'a: 1\n', BUILTIN_PATCH_TYPES)).toEqual({ a: 1 });
  });

  it.each<[string, boolean, string]>([
    ['application/json-patch+json', false, "invalid character 'o' in literal null (expecting 'u')"],
    ['application/strategic-merge-patch+json', false, "invalid character 'o' in literal null (expecting 'u')"],
    ['application/merge-patch+json', false, 'Invalid JSON Patch'],
    ['application/merge-patch+json', true, "error decoding patch: invalid character 'o' in literal null (expecting 'u')"],
  ])('answers a malformed %s (strict: %s) with 400', (type, strict, message) => {
    const err = catchPatchError(() => decodePatchBody(type, 'no', BUILTIN_PATCH_TYPES, strict));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });

  it.each<[string, readonly string[], string]>([
    ['text/plain', BUILTIN_PATCH_TYPES, 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml'],
    ['application/strategic-merge-patch+json', CUSTOM_RESOURCE_PATCH_TYPES, 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'],
  ])('answers %s with 415 listing what the resource takes', (type, accepted, list) => {
    const err = catchPatchError(() => decodePatchBody(type, '{}', accepted));
    expect([err.code, err.reason, err.message]).toEqual([415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${list}`]);
  });
});

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
