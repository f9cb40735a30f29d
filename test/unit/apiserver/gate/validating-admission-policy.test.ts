// The CEL glue of ValidatingAdmissionPolicy and webhook matchConditions: compile errors in cel-go's
// words, JSON numbers as CEL ints and doubles, a policy's variables, messages and failurePolicy, its
// match rules, and the API validation of policies and bindings.

import { describe, expect, it } from 'vitest';
import { evaluatePolicy, matchConditionsOutcome } from '../../../../src/apiserver/admission/validating-admission-policy-eval.js';
import { matchResources, type MatchFacts } from '../../../../src/apiserver/admission/validating-admission-policy-match.js';
import { celActivation, compileCel, type CelProgram } from '../../../../src/apiserver/cel/cel-program.js';
import { compilePolicy, compileWebhookConditions, POLICY_VARIABLES } from '../../../../src/apiserver/cel/policy-programs.js';
import { defaultValidatingAdmissionPolicy, validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding } from '../../../../src/apiserver/resources/validating-admission-policy.js';

const program = (expression: string, returns: 'bool' | 'string' | 'any' = 'bool'): CelProgram => {
  const compiled = compileCel(expression, { variables: POLICY_VARIABLES, returns });
  if ('error' in compiled) throw new Error(compiled.error);
  return compiled.program;
};
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { replicas: 6, ratio: 0.5, template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis' }] } } } };
const activation = celActivation({ object: deployment, oldObject: null, request: { operation: 'CREATE', userInfo: { username: 'alice' } }, params: { data: { max: '5' } }, namespaceObject: null });

describe('compileCel', () => {
  it('reports compile errors as cel-go prints them, with a caret under the spot', () => {
    expect(compileCel('foo == 1', { variables: POLICY_VARIABLES, returns: 'bool' })).toEqual({ error: "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^" });
    const syntax = compileCel('object.spec.replicas <', { variables: POLICY_VARIABLES, returns: 'bool' });
    expect('error' in syntax && syntax.error).toMatch(/^compilation failed: ERROR: <input>:1:23: Syntax error: .*\n \| object\.spec\.replicas <\n \| \.{22}\^$/);
  });

  it('wants a bool from a validation and a string from a messageExpression', () => {
    expect(compileCel('1 + 2', { variables: POLICY_VARIABLES, returns: 'bool' })).toEqual({ error: 'must evaluate to bool' });
    expect(compileCel('"a" == "a"', { variables: POLICY_VARIABLES, returns: 'string' })).toEqual({ error: 'must evaluate to string' });
    // An object's fields have no static type here, so they pass as kube's dyn does.
    expect('program' in compileCel('object.spec.paused', { variables: POLICY_VARIABLES, returns: 'bool' })).toBe(true);
  });

  it('sees whole JSON numbers as ints and others as doubles, as Go\'s unstructured values are', async () => {
    expect(await program('object.spec.replicas + 1 == 7 && type(object.spec.replicas) == int').run(activation)).toEqual({ value: true });
    expect(await program('object.spec.ratio * 2.0 == 1.0 && type(object.spec.ratio) == double').run(activation)).toEqual({ value: true });
    expect(await program('int(params.data.max) < object.spec.replicas').run(activation)).toEqual({ value: true });
  });

  it('runs macros and string functions over the object', async () => {
    expect(await program('object.spec.template.spec.containers.all(c, c.image.contains(":"))').run(activation)).toEqual({ value: false });
    expect(await program('object.spec.template.spec.containers.exists(c, c.name == "b")').run(activation)).toEqual({ value: true });
    expect(await program('object.spec.template.spec.containers.filter(c, c.image.startsWith("nginx")).map(c, c.name) == ["a"]').run(activation)).toEqual({ value: true });
    expect(await program('size(object.metadata.labels) == 1 && has(object.metadata.labels.tier) && !has(object.spec.paused)').run(activation)).toEqual({ value: true });
    expect(await program('object.metadata.name.replace("w", "W").upperAscii() == "WEB" && "a-b".split("-").size() == 2').run(activation)).toEqual({ value: true });
    expect(await program('[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && [1, 2, 3].sum() == 6 && [1, 2].isSorted() && "v1.2".find("[0-9.]+") == "1.2"').run(activation)).toEqual({ value: true });
    expect(await program('[].max() == 1').run(activation)).toEqual({ error: "expression '[].max() == 1' resulted in error: max called on empty list" });
  });

  it('reports a failed evaluation with the expression, as kube does', async () => {
    expect(await program('object.spec.missing > 1').run(activation)).toEqual({ error: "expression 'object.spec.missing > 1' resulted in error: no such key: missing" });
  });

  it('cancels an expression past kube\'s per-call cost limit, and each expression gets the whole limit', async () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ name: `n${i}` }));
    const big = celActivation({ object: { items }, oldObject: null, request: {}, params: null, namespaceObject: null });
    const quadratic = 'object.items.all(a, object.items.exists(b, b.name == a.name))';
    // exists stops at the match: about 2,000 × 2,000 / 2 reads, more than 1,000,000.
    expect(await program(quadratic).run(big)).toEqual({ error: `expression '${quadratic}' resulted in error: operation cancelled: actual cost limit exceeded` });
    const linear = program('object.items.all(a, a.name.startsWith("n"))');
    for (let i = 0; i < 3; i++) expect(await linear.run(big)).toEqual({ value: true });
  });
});

describe('a policy\'s expressions', () => {
  const spec = (extra: Record<string, unknown>) => ({ validations: [{ expression: 'object.spec.replicas <= 5' }], ...extra });

  it('compiles variables in order, each seeing those before it', () => {
    const compiled = compilePolicy(spec({ variables: [{ name: 'n', expression: 'object.spec.replicas' }, { name: 'twice', expression: 'variables.n * 2' }, { name: 'bad', expression: 'variables.later' }, { name: 'later', expression: '1' }] }));
    expect(compiled.issues.map((i) => [i.path, i.error.split('\n')[0]])).toEqual([['spec.variables[2].expression', "compilation failed: ERROR: <input>:1:10: undefined field 'later'"]]);
  });

  it('fails with the messageExpression, the message or the expression, in that order', async () => {
    const run = async (validation: Record<string, unknown>) => (await evaluatePolicy(compilePolicy({ validations: [validation] }), activation, 'Fail')).failures;
    expect(await run({ expression: 'object.spec.replicas <= 5' })).toEqual([{ message: 'failed expression: object.spec.replicas <= 5', expressionIndex: 0, reason: 'Invalid' }]);
    expect(await run({ expression: 'object.spec.replicas <= 5', message: ' too many ', reason: 'Forbidden' })).toEqual([{ message: 'too many', expressionIndex: 0, reason: 'Forbidden' }]);
    expect(await run({ expression: 'object.spec.replicas <= 5', message: 'too many', messageExpression: '"replicas " + string(object.spec.replicas) + " > 5"' })).toEqual([{ message: 'replicas 6 > 5', expressionIndex: 0, reason: 'Invalid' }]);
    // A message with a line break is not used.
    expect(await run({ expression: 'object.spec.replicas <= 5', message: 'too many', messageExpression: '"a\\nb"' })).toEqual([{ message: 'too many', expressionIndex: 0, reason: 'Invalid' }]);
    expect(await run({ expression: 'object.spec.replicas >= 5' })).toEqual([]);
  });

  it('uses variables, and fails only the expressions that use one that cannot be evaluated', async () => {
    const compiled = compilePolicy({
      variables: [{ name: 'images', expression: 'object.spec.template.spec.containers.map(c, c.image)' }, { name: 'broken', expression: 'object.spec.nope' }],
      validations: [{ expression: 'variables.images.all(i, i.contains(":"))', message: 'images need a tag' }, { expression: 'variables.broken == 1' }],
    });
    expect((await evaluatePolicy(compiled, activation, 'Fail')).failures).toEqual([
      { message: 'images need a tag', expressionIndex: 0, reason: 'Invalid' },
      { message: "expression 'variables.broken == 1' resulted in error: composited variable \"broken\" fails to evaluate: expression 'object.spec.nope' resulted in error: no such key: nope", expressionIndex: 1, reason: '' },
    ]);
    expect((await evaluatePolicy(compiled, activation, 'Ignore')).failures).toEqual([{ message: 'images need a tag', expressionIndex: 0, reason: 'Invalid' }]);
    const chained = compilePolicy({ variables: [{ name: 'broken', expression: 'object.spec.nope' }, { name: 'next', expression: 'variables.broken + 1' }], validations: [{ expression: 'variables.next == 2' }] });
    expect((await evaluatePolicy(chained, activation, 'Fail')).failures[0]?.message).toBe(
      "expression 'variables.next == 2' resulted in error: composited variable \"next\" fails to evaluate: expression 'variables.broken + 1' resulted in error: composited variable \"broken\" fails to evaluate: expression 'object.spec.nope' resulted in error: no such key: nope",
    );
  });

  it('checks nothing when a matchCondition is false; an error follows the failurePolicy', async () => {
    const validations = [{ expression: 'false' }];
    expect((await evaluatePolicy(compilePolicy({ validations, matchConditions: [{ name: 'big', expression: 'object.spec.replicas > 100' }] }), activation, 'Fail')).failures).toEqual([]);
    const erring = compilePolicy({ validations, matchConditions: [{ name: 'e', expression: 'object.nope == 1' }] });
    expect((await evaluatePolicy(erring, activation, 'Fail')).failures).toEqual([{ message: "expression 'object.nope == 1' resulted in error: no such key: nope", expressionIndex: 0, reason: '' }]);
    expect((await evaluatePolicy(erring, activation, 'Ignore')).failures).toEqual([]);
  });
});

describe('auditAnnotations', () => {
  it('publish strings, leave out null and empty ones, and fail on other values unless ignored', async () => {
    const compiled = compilePolicy({
      validations: [{ expression: 'true' }],
      auditAnnotations: [
        { key: 'replicas', valueExpression: "'replicas set to ' + string(object.spec.replicas)" },
        { key: 'none', valueExpression: 'null' },
        { key: 'blank', valueExpression: "' '" },
        { key: 'number', valueExpression: 'object.spec.replicas' },
      ],
    });
    expect(await evaluatePolicy(compiled, activation, 'Fail')).toEqual({
      failures: [],
      errors: [{ message: "valueExpression 'object.spec.replicas' resulted in unsupported return type: int. Return type must be either string or null.", expressionIndex: 0, reason: '' }],
      annotations: [['replicas', 'replicas set to 6']],
    });
    expect((await evaluatePolicy(compiled, activation, 'Ignore')).errors).toEqual([]);
    expect(compilePolicy({ auditAnnotations: [{ key: 'k', valueExpression: '1 + 1' }] }).issues.map((i) => i.error)).toEqual(['must evaluate to one of [string null_type]']);
  });
});

describe('webhook matchConditions', () => {
  const conditions = (expressions: string[]) => compileWebhookConditions('webhooks[0]', expressions.map((expression, i) => ({ name: `c${i}`, expression }))).programs;

  it('skips the webhook when any is false, even beside an error', async () => {
    expect(await matchConditionsOutcome(conditions(['request.userInfo.username == "alice"', 'object.metadata.name == "web"']), activation, true)).toBeUndefined();
    expect(await matchConditionsOutcome(conditions(['object.nope', 'request.userInfo.username == "bob"']), activation, true)).toBe('skip');
    expect(await matchConditionsOutcome(conditions(['object.nope', 'object.other']), activation, true)).toEqual({
      message: "[expression 'object.nope' resulted in error: no such key: nope, expression 'object.other' resulted in error: no such key: other]",
      expressionIndex: 0,
      reason: '',
    });
    expect(await matchConditionsOutcome(conditions(['object.nope']), activation, false)).toBe('skip');
  });

  it('does not know a policy\'s params', () => {
    expect(compileWebhookConditions('webhooks[0]', [{ name: 'p', expression: 'params == null' }]).issues[0]?.error).toMatch(/^compilation failed: ERROR: <input>:1:1: undeclared reference to 'params'/);
  });
});

describe('matchResources', () => {
  const facts: MatchFacts = { operation: 'CREATE', group: 'apps', version: 'v1', resource: 'deployments', subresource: '', namespace: 'team', name: 'web', obj: deployment };
  const rule = (extra: Record<string, unknown> = {}) => ({ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], ...extra });
  const team = { metadata: { name: 'team', labels: { env: 'test' } } };

  it('matches rules with their resourceNames and no exclusions', () => {
    expect(matchResources({ resourceRules: [rule()] }, facts, team, false)).toBe(true);
    expect(matchResources({ resourceRules: [rule({ resourceNames: ['other'] })] }, facts, team, false)).toBe(false);
    expect(matchResources({ resourceRules: [rule()], excludeResourceRules: [rule({ resourceNames: ['web'] })] }, facts, team, false)).toBe(false);
  });

  it('checks the namespace\'s and the object\'s labels', () => {
    expect(matchResources({ resourceRules: [rule()], namespaceSelector: { matchLabels: { env: 'prod' } } }, facts, team, false)).toBe(false);
    expect(matchResources({ resourceRules: [rule()], namespaceSelector: { matchLabels: { env: 'test' } }, objectSelector: { matchLabels: { tier: 'front' } } }, facts, team, false)).toBe(true);
    expect(matchResources({ resourceRules: [rule()], objectSelector: { matchLabels: { tier: 'back' } } }, facts, team, false)).toBe(false);
  });

  it('a binding without resourceRules or matchResources takes all its policy selects', () => {
    expect(matchResources(undefined, facts, team, true)).toBe(true);
    expect(matchResources({ namespaceSelector: { matchLabels: { env: 'test' } } }, facts, team, true)).toBe(true);
  });
});

describe('API validation', () => {
  const policy = (spec: Record<string, unknown>) => {
    const obj = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec };
    defaultValidatingAdmissionPolicy(obj);
    return obj;
  };
  const constraints = { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] };

  it('defaults a policy as kube does', () => {
    expect(policy({ matchConstraints: structuredClone(constraints), validations: [{ expression: 'true' }] }).spec).toEqual({
      failurePolicy: 'Fail',
      matchConstraints: { ...constraints, resourceRules: [{ ...constraints.resourceRules[0], scope: '*' }], matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} },
      validations: [{ expression: 'true' }],
    });
  });

  it('reports a compile error on the expression\'s field, and what is missing', () => {
    expect(validateValidatingAdmissionPolicy(policy({ matchConstraints: structuredClone(constraints), validations: [{ expression: 'object.spec.replicas <= maximum' }] }))).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.validations[0].expression',
        message: "Invalid value: \"object.spec.replicas <= maximum\": compilation failed: ERROR: <input>:1:25: undeclared reference to 'maximum' (in container '')\n | object.spec.replicas <= maximum\n | ........................^",
      },
    ]);
    expect(validateValidatingAdmissionPolicy(policy({})).map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.matchConstraints: Required value', 'spec.validations: Required value: validations or auditAnnotations must contain at least one item']);
  });

  it('refuses a binding without a policy or actions, or with both Deny and Warn', () => {
    const binding = (spec: Record<string, unknown>) => ({ metadata: { name: 'b' }, spec });
    expect(validateValidatingAdmissionPolicyBinding(binding({})).map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.policyName: Required value', 'spec.validationActions: Required value: at least one validation action is required']);
    expect(validateValidatingAdmissionPolicyBinding(binding({ policyName: 'p', validationActions: ['Deny', 'Warn'] })).map((c) => c.message)).toEqual([
      'Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ]);
    expect(validateValidatingAdmissionPolicyBinding(binding({ policyName: 'p', validationActions: ['Block'] })).map((c) => c.message)).toEqual(['Unsupported value: "Block": supported values: "Audit", "Deny", "Warn"']);
  });
});
