// The roles the disruption and CronJob controllers act under with --use-service-account-credentials
// (upstream's system:controller:* rules) allow every request those controllers make, and no more than
// upstream grants.

import { describe, expect, it } from 'vitest';
import { resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { CONTROLLER_ROLES } from '../../../../src/apiserver/authz/controller-policy.js';
import { ruleAllows } from '../../../../src/apiserver/authz/policy-rules.js';

type Request = Parameters<typeof resourceAttributes>[1];

function allows(role: string, request: Request): boolean {
  const rules = CONTROLLER_ROLES.find((r) => r.name === `system:controller:${role}`)?.rules ?? [];
  const user = { username: `system:serviceaccount:kube-system:${role}`, groups: ['system:serviceaccounts'] };
  return rules.some((rule) => ruleAllows(resourceAttributes(user, { namespace: 'default', ...request }), rule));
}

describe('workload controller roles', () => {
  it.each<[string, Request, boolean]>([
    ['disruption-controller', { verb: 'update', group: 'policy', resource: 'poddisruptionbudgets', subresource: 'status' }, true],
    ['disruption-controller', { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale' }, true],
    ['disruption-controller', { verb: 'get', group: 'example.com', resource: 'cubes', subresource: 'scale' }, true],
    ['disruption-controller', { verb: 'update', resource: 'pods', subresource: 'status' }, true],
    ['disruption-controller', { verb: 'create', resource: 'events' }, true],
    ['disruption-controller', { verb: 'update', group: 'policy', resource: 'poddisruptionbudgets' }, false],
    ['disruption-controller', { verb: 'delete', resource: 'pods' }, false],
    ['cronjob-controller', { verb: 'create', group: 'batch', resource: 'jobs' }, true],
    ['cronjob-controller', { verb: 'delete', group: 'batch', resource: 'jobs' }, true],
    ['cronjob-controller', { verb: 'get', group: 'batch', resource: 'cronjobs' }, true],
    ['cronjob-controller', { verb: 'update', group: 'batch', resource: 'cronjobs', subresource: 'status' }, true],
    ['cronjob-controller', { verb: 'patch', resource: 'events' }, true],
    ['cronjob-controller', { verb: 'create', resource: 'pods' }, false],
    ['cronjob-controller', { verb: 'delete', group: 'batch', resource: 'cronjobs' }, false],
  ])('%s: %j → %s', (role, request, want) => {
    expect(allows(role, request)).toBe(want);
  });
});
