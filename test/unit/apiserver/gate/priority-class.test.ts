// PriorityClass validation: reserved system names and values, the user maximum.

import { describe, expect, it } from 'vitest';
import { validatePriorityClass } from '../../../../src/apiserver/resources/priority-class.js';

describe('validatePriorityClass', () => {
  it.each([
    ['a user class', { metadata: { name: 'high' }, value: 1000 }, []],
    ['a system class with its value', { metadata: { name: 'system-node-critical' }, value: 2000001000 }, []],
    ['a system class with another value', { metadata: { name: 'system-node-critical' }, value: 5 }, ['metadata.name: Invalid value: "system-node-critical": name system-node-critical is reserved for a system priority class with value 2000001000']],
    ['another system- name', { metadata: { name: 'system-mine' }, value: 5 }, ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"]],
    ['over the user maximum', { metadata: { name: 'huge' }, value: 1000000001 }, ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
  ])('%s', (_name, obj, causes) => {
    expect(validatePriorityClass(obj).map((c) => `${c.field}: ${c.message}`)).toEqual(causes);
  });
});
