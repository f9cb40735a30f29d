// A ValidatingAdmissionPolicy's status through kubectl: its expressions are type checked against the
// kinds it matches, and status.typeChecking says what does not compile, for each generation.

import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';

const policy = (expression: string): string => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - expression: "${expression}"
    message: must be replicated
`;

describe('ValidatingAdmissionPolicy type checking', () => {
  const env = apiserverOnBarge(120_000, ['--enable-admission-plugins=ValidatingAdmissionPolicy']);

  const status = (): { observedGeneration?: number; typeChecking?: unknown } => {
    const result = env.api.kubectl(['get', 'validatingadmissionpolicy', 'replicas', '-o', 'json']);
    return (JSON.parse(result.stdout) as { status?: { observedGeneration?: number; typeChecking?: unknown } }).status ?? {};
  };

  it('warns of a field Deployments do not have, and clears the warning once the expression is fixed', async () => {
    expect(env.api.kubectl(['create', '-f', '-'], { input: policy('object.replicas > 1') })).toMatchObject({ status: 0 });
    await until('the status controller to observe generation 1', () => status().observedGeneration === 1, { timeoutMs: 30_000, pollMs: 250 });
    expect(status()).toEqual({
      observedGeneration: 1,
      typeChecking: { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n" }] },
    });
    const managers = (JSON.parse(env.api.kubectl(['get', 'validatingadmissionpolicy', 'replicas', '-o', 'json', '--show-managed-fields']).stdout) as { metadata: { managedFields: { manager: string; operation: string; subresource?: string }[] } }).metadata.managedFields;
    expect(managers).toContainEqual(expect.objectContaining({ manager: 'validatingadmissionpolicy-status', operation: 'Apply', subresource: 'status' }));

    expect(env.api.kubectl(['apply', '-f', '-'], { input: policy('object.spec.replicas > 1') }).status).toBe(0);
    await until('the status controller to observe generation 2', () => status().observedGeneration === 2, { timeoutMs: 30_000, pollMs: 250 });
    expect(status()).toEqual({ observedGeneration: 2, typeChecking: {} });
  });
});
