import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apiserver/errors/status.js';
import { builtinResources } from '../../../src/apiserver/resources/index.js';
import { parseFieldSelector } from '../../../src/apiserver/selection/field-selector.js';
import { parseLabelSelector } from '../../../src/apiserver/selection/label-selector.js';

const pods = builtinResources().find((s) => s.plural === 'pods')!;

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', rank: '3' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['app in (db, web)', true],
    ['app notin (db,web)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['rank>2', true],
    ['rank<3', false],
    ['app=web,tier=back', false],
    ['app in (web),tier', true],
  ])('%j matches {app=web,tier=front,rank=3}: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it('rejects a malformed selector with a 400', () => {
    expect(() => parseLabelSelector('app=(x')).toThrow(StatusError);
    expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: '' }, status: { phase: 'Running' } };
  it('matches metadata and the kind\'s own fields, = and !=', () => {
    expect(parseFieldSelector('metadata.name=p', pods).matches(pod)).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=ns', pods).matches(pod)).toBe(false);
    expect(parseFieldSelector('spec.nodeName=', pods).matches(pod)).toBe(true);
    expect(parseFieldSelector('status.phase!=Succeeded,status.phase!=Failed', pods).matches(pod)).toBe(true);
    expect(parseFieldSelector('metadata.name=p', pods).name).toBe('p');
  });

  it('answers an unknown field with kube\'s 400', () => {
    let caught: unknown;
    try {
      parseFieldSelector('spec.bogus=x', pods);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
  });
});
