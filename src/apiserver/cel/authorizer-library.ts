// Kubernetes' CEL authorizer library (k8s.io/apiserver/pkg/cel/library/authz.go): the `authorizer`
// variable of admission expressions asks the server's authorizers what the request's user (or a
// ServiceAccount) may do:
//   authorizer.group('apps').resource('deployments').subresource('scale').namespace('ns').name('web').check('update').allowed()
//   authorizer.path('/healthz').check('get').reason()
//   authorizer.serviceAccount('ns', 'sa').group('').resource('pods').check('list').allowed()
//   authorizer.requestResource.check('approve').allowed()
// A check is asynchronous (the authorizers are), so an expression using one evaluates to a promise.

import type { Environment } from '@marcbachmann/cel-js';
import type { UserInfo } from '../authn/user-info.js';
import type { Attributes, AuthorizerResult } from '../authz/attributes.js';

export type Authorize = (attributes: Attributes) => Promise<AuthorizerResult> | AuthorizerResult;

interface ResourceFields {
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export class CelAuthorizer {
  readonly requestResource: ResourceCheck;

  constructor(
    readonly authorize: Authorize,
    readonly user: UserInfo,
    /** The request's own resource, what `requestResource` checks. */
    request: ResourceFields,
  ) {
    this.requestResource = new ResourceCheck(this, request);
  }
}

export class PathCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly path: string,
  ) {}
}

export class GroupCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly group: string,
  ) {}
}

export class ResourceCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly fields: ResourceFields,
  ) {}

  with(change: Partial<ResourceFields>): ResourceCheck {
    return new ResourceCheck(this.authorizer, { ...this.fields, ...change });
  }
}

export class AuthorizationDecision {
  constructor(
    readonly result: AuthorizerResult | undefined,
    readonly failure: string,
  ) {}
}

/** serviceaccount.UserInfo: the account's user name and its two groups. */
function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
}

async function decide(authorizer: CelAuthorizer, attributes: Omit<Attributes, 'user'>): Promise<AuthorizationDecision> {
  try {
    return new AuthorizationDecision(await authorizer.authorize({ ...attributes, user: authorizer.user }), '');
  } catch (error) {
    return new AuthorizationDecision(undefined, error instanceof Error ? error.message : String(error));
  }
}

const NO_RESOURCE = { resourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };

export function registerAuthorizerLibrary(env: Environment): void {
  env.registerType('Authorizer', { ctor: CelAuthorizer, fields: { requestResource: 'ResourceCheck' } });
  env.registerType('PathCheck', PathCheck);
  env.registerType('GroupCheck', GroupCheck);
  env.registerType('ResourceCheck', ResourceCheck);
  env.registerType('Decision', AuthorizationDecision);
  env.registerFunction('Authorizer.path(string): PathCheck', (a: CelAuthorizer, path: string) => new PathCheck(a, path));
  env.registerFunction('Authorizer.group(string): GroupCheck', (a: CelAuthorizer, group: string) => new GroupCheck(a, group));
  env.registerFunction('Authorizer.serviceAccount(string, string): Authorizer', (a: CelAuthorizer, namespace: string, name: string) => new CelAuthorizer(a.authorize, serviceAccountUser(namespace, name), a.requestResource.fields));
  env.registerFunction('GroupCheck.resource(string): ResourceCheck', (g: GroupCheck, resource: string) => new ResourceCheck(g.authorizer, { group: g.group, resource, subresource: '', namespace: '', name: '' }));
  env.registerFunction('ResourceCheck.subresource(string): ResourceCheck', (r: ResourceCheck, subresource: string) => r.with({ subresource }));
  env.registerFunction('ResourceCheck.namespace(string): ResourceCheck', (r: ResourceCheck, namespace: string) => r.with({ namespace }));
  env.registerFunction('ResourceCheck.name(string): ResourceCheck', (r: ResourceCheck, name: string) => r.with({ name }));
  env.registerFunction('ResourceCheck.check(string): Decision', (r: ResourceCheck, verb: string) =>
    decide(r.authorizer, { verb, resourceRequest: true, path: '', namespace: r.fields.namespace, apiGroup: r.fields.group, apiVersion: '*', resource: r.fields.resource, subresource: r.fields.subresource, name: r.fields.name }),
  );
  env.registerFunction('PathCheck.check(string): Decision', (p: PathCheck, verb: string) => decide(p.authorizer, { ...NO_RESOURCE, verb, path: p.path }));
  env.registerFunction('Decision.allowed(): bool', (d: AuthorizationDecision) => d.result?.decision === 'allow');
  env.registerFunction('Decision.reason(): string', (d: AuthorizationDecision) => d.result?.reason ?? '');
  env.registerFunction('Decision.errored(): bool', (d: AuthorizationDecision) => d.failure !== '');
  env.registerFunction('Decision.error(): string', (d: AuthorizationDecision) => d.failure);
}
