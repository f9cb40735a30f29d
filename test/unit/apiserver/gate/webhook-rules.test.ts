// Which requests a webhook is sent: its rules (operations, groups, versions, resources with
// subresources and wildcards, scope) and its namespace and object selectors.

import { describe, expect, it } from 'vitest';
import { ruleMatches, webhookApplies, type RequestFacts } from '../../../../src/apiserver/admission/webhook-rules.js';

const podCreate: RequestFacts = { operation: 'CREATE', group: '', version: 'v1', resource: 'pods', subresource: '', namespace: 'team', obj: { metadata: { name: 'p', labels: { app: 'web' } } } };
const rule = (resources: string[], extra: Record<string, unknown> = {}) => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources, ...extra });

describe('ruleMatches', () => {
  it.each([
    ['pods', podCreate, true],
    ['*', podCreate, true],
    ['*/*', podCreate, true],
    ['pods/status', podCreate, false],
    ['*', { ...podCreate, subresource: 'status' }, false],
    ['*/status', { ...podCreate, subresource: 'status' }, true],
    ['pods/*', { ...podCreate, subresource: 'status' }, true],
    ['deployments', podCreate, false],
  ] as const)('%s against %j', (resource, request, expected) => {
    expect(ruleMatches(rule([resource]), request)).toBe(expected);
  });

  it('checks the operation, group, version and scope', () => {
    expect(ruleMatches(rule(['pods'], { operations: ['UPDATE'] }), podCreate)).toBe(false);
    expect(ruleMatches(rule(['pods'], { operations: ['*'] }), podCreate)).toBe(true);
    expect(ruleMatches(rule(['pods'], { apiGroups: ['apps'] }), podCreate)).toBe(false);
    expect(ruleMatches(rule(['pods'], { apiVersions: ['v2'] }), podCreate)).toBe(false);
    expect(ruleMatches(rule(['pods'], { scope: 'Cluster' }), podCreate)).toBe(false);
    expect(ruleMatches(rule(['namespaces'], { scope: 'Namespaced' }), { ...podCreate, resource: 'namespaces', namespace: 'team' })).toBe(false);
    expect(ruleMatches(rule(['namespaces'], { scope: 'Cluster' }), { ...podCreate, resource: 'namespaces', namespace: 'team' })).toBe(false);
    expect(ruleMatches(rule(['nodes'], { scope: 'Cluster' }), { ...podCreate, resource: 'nodes', namespace: '' })).toBe(true);
  });
});

describe('webhookApplies', () => {
  const webhook = (extra: Record<string, unknown>) => ({ rules: [rule(['pods'])], ...extra });
  it('needs the namespace and the object (new or old) picked by the selectors', () => {
    expect(webhookApplies(webhook({ namespaceSelector: {}, objectSelector: {} }), podCreate, {})).toBe(true);
    expect(webhookApplies(webhook({ namespaceSelector: { matchLabels: { env: 'prod' } } }), podCreate, { env: 'dev' })).toBe(false);
    expect(webhookApplies(webhook({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }), podCreate, { env: 'prod' })).toBe(true);
    expect(webhookApplies(webhook({ objectSelector: { matchLabels: { app: 'db' } } }), podCreate, {})).toBe(false);
    expect(webhookApplies(webhook({ objectSelector: { matchLabels: { app: 'db' } } }), { ...podCreate, old: { metadata: { labels: { app: 'db' } } } }, {})).toBe(true);
    expect(webhookApplies({ rules: [rule(['services'])] }, podCreate, {})).toBe(false);
  });
});
