// ValidatingAdmissionPolicy admission (admission/plugin/policy/validating/dispatcher.go): every policy
// whose matchConstraints select the request is run once per binding that names it and selects the
// request too, with each param its paramRef finds. A failed validation does what the binding's
// validationActions say: Deny refuses the request (the first refusal is returned, in kube's words),
// Warn adds a Warning header. Policies do not apply to admissionregistration.k8s.io's own objects.
// With the plugin, each policy's expressions are type checked into its status (policy-type-checking.ts).

import { celValueFor, type CelActivation } from '../cel/cel-program.js';
import { compilePolicy, type PolicyPrograms } from '../cel/policy-programs.js';
import { StatusError, type StatusReason } from '../errors/status.js';
import { recordAt, stringAt } from '../resources/json-access.js';
import type { KubeObject } from '../schema/types.js';
import type { AdmissionPlugin, AdmissionRequest } from './admission-chain.js';
import { collectParams } from './validating-admission-policy-params.js';
import { admissionActivation, celNamespaceObject, celRequest } from './validating-admission-policy-activation.js';
import { evaluatePolicy } from './validating-admission-policy-eval.js';
import { matchResources, type MatchFacts } from './validating-admission-policy-match.js';
import { PolicyTypeChecking } from './policy-type-checking.js';

const GROUP = 'admissionregistration.k8s.io';
const REASON_CODES: Record<string, number> = { Unauthorized: 401, Forbidden: 403, RequestEntityTooLarge: 413, Invalid: 422 };

interface Denial {
  readonly policy: string;
  readonly binding?: string;
  readonly message: string;
  readonly reason: string;
}

/** Compiled once per stored version of a policy (the watch cache keeps the same object until it changes). */
const compiled = new WeakMap<KubeObject, PolicyPrograms>();

function programsOf(policy: KubeObject): PolicyPrograms {
  let programs = compiled.get(policy);
  if (!programs) {
    programs = compilePolicy(recordAt(policy, 'spec'));
    compiled.set(policy, programs);
  }
  return programs;
}

async function listed(r: AdmissionRequest, plural: string): Promise<KubeObject[]> {
  const spec = r.ctx.registry.find(GROUP, 'v1', plural);
  if (!spec) return [];
  const prefix = r.ctx.store.listPrefix(spec.storagePath);
  const cacher = r.ctx.cachers.cacher(prefix);
  await cacher.ready();
  return cacher.list(prefix);
}

async function storedNamespace(r: AdmissionRequest): Promise<KubeObject | undefined> {
  const spec = r.ctx.registry.find('', 'v1', 'namespaces');
  return spec ? (await r.ctx.store.get(r.ctx.store.key(spec.storagePath, undefined, r.namespace)))?.obj : undefined;
}

/** admission.NewForbidden with the refusal's reason and code, and the message as its one cause. */
function refusal(r: AdmissionRequest, denial: Denial): StatusError {
  const message = denial.binding === undefined ? `ValidatingAdmissionPolicy '${denial.policy}' denied request: ${denial.message}` : `ValidatingAdmissionPolicy '${denial.policy}' with binding '${denial.binding}' denied request: ${denial.message}`;
  const qualified = r.group ? `${r.resource}.${r.group}` : r.resource;
  const reason = denial.reason === '' ? 'Invalid' : denial.reason;
  return new StatusError(REASON_CODES[reason] ?? 422, reason as StatusReason, `${qualified}${r.name ? ` "${r.name}"` : ''} is forbidden: ${message}`, {
    ...(r.name ? { name: r.name } : {}),
    ...(r.group ? { group: r.group } : {}),
    kind: r.resource,
    causes: [{ message }],
  });
}

/** What every policy is checked against in one request. */
interface Checked {
  readonly r: AdmissionRequest;
  readonly facts: MatchFacts;
  /** The Namespace a namespaceSelector looks at (the object itself for a Namespace). */
  readonly namespace: KubeObject | undefined;
  readonly activation: CelActivation;
  readonly denials: Denial[];
}

interface Policy {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  readonly failurePolicy: string;
  readonly programs: PolicyPrograms;
  /** The distinct values of each auditAnnotation over the policy's bindings and params. */
  readonly annotations: Map<string, string[]>;
}

/** One binding of a policy: its params collected, the policy run with each, failures acted on. */
async function checkBinding(c: Checked, policy: Policy, binding: KubeObject): Promise<void> {
  const spec = recordAt(binding, 'spec') ?? {};
  if (spec['policyName'] !== policy.name || !matchResources(recordAt(spec, 'matchResources'), c.facts, c.namespace, true)) return;
  const name = binding.metadata?.name ?? '';
  const params = await collectParams(c.r, recordAt(policy.spec, 'paramKind'), recordAt(spec, 'paramRef'));
  if ('error' in params) {
    if (policy.failurePolicy !== 'Ignore') c.denials.push({ policy: policy.name, binding: name, message: `failed to configure binding: ${params.error}`, reason: '' });
    return;
  }
  const actions = Array.isArray(spec['validationActions']) ? (spec['validationActions'] as unknown[]) : [];
  for (const param of params.params) {
    const evaluation = await evaluatePolicy(policy.programs, { ...c.activation, params: celValueFor(c.activation, param) }, policy.failurePolicy);
    for (const error of evaluation.errors) c.denials.push({ policy: policy.name, binding: name, ...error });
    for (const [key, value] of evaluation.annotations) {
      const values = policy.annotations.get(key) ?? [];
      if (!values.includes(value)) policy.annotations.set(key, [...values, value]);
    }
    for (const failure of evaluation.failures) {
      if (actions.includes('Deny')) c.denials.push({ policy: policy.name, binding: name, ...failure });
      if (actions.includes('Audit')) c.r.annotate?.('validation.policy.admission.k8s.io/validation_failure', JSON.stringify([{ message: failure.message, policy: policy.name, binding: name, expressionIndex: failure.expressionIndex, validationActions: actions }]));
      if (actions.includes('Warn')) c.r.warnings?.push(`Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${name}': ${failure.message}`);
    }
  }
}

async function admit(r: AdmissionRequest): Promise<void> {
  if (r.group === GROUP) return;
  const policies = await listed(r, 'validatingadmissionpolicies');
  if (policies.length === 0) return;
  const bindings = await listed(r, 'validatingadmissionpolicybindings');
  const isNamespace = r.group === '' && r.resource === 'namespaces';
  const namespace = isNamespace ? r.obj : r.namespace === '' ? undefined : await storedNamespace(r);
  const c: Checked = {
    r,
    facts: { ...r, obj: r.obj, ...(r.old ? { old: r.old } : {}) },
    namespace,
    activation: admissionActivation(r, { object: r.obj, oldObject: r.old ?? null, request: celRequest(r), namespaceObject: celNamespaceObject(isNamespace ? undefined : namespace) }),
    denials: [],
  };
  for (const stored of [...policies].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const spec = recordAt(stored, 'spec') ?? {};
    const policy: Policy = { name: stored.metadata?.name ?? '', spec, failurePolicy: stringAt(spec, 'failurePolicy') ?? 'Fail', programs: programsOf(stored), annotations: new Map() };
    if (!matchResources(recordAt(spec, 'matchConstraints'), c.facts, namespace, false)) continue;
    if (policy.programs.issues.length > 0) {
      if (policy.failurePolicy !== 'Ignore') c.denials.push({ policy: policy.name, message: `failed to configure policy: ${policy.programs.issues[0]!.error}`, reason: '' });
      continue;
    }
    for (const binding of bindings) await checkBinding(c, policy, binding);
    for (const [key, values] of policy.annotations) r.annotate?.(`${policy.name}/${key}`, values.join(', '));
  }
  if (c.denials.length > 0) throw refusal(r, c.denials[0]!);
}

export const validatingAdmissionPolicy: AdmissionPlugin = {
  name: 'ValidatingAdmissionPolicy',
  // The status controller that type checks each policy runs beside the plugin.
  start: (ctx) => new PolicyTypeChecking(ctx).start(),
  validate: admit,
};
