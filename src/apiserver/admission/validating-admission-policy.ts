// ValidatingAdmissionPolicy admission (admission/plugin/policy/validating/dispatcher.go): every policy
// whose matchConstraints select the request is run once per binding that names it and selects the
// request too, with each param its paramRef finds. A failed validation does what the binding's
// validationActions say: Deny refuses the request (the first refusal is returned, in kube's words),
// Warn adds a Warning header. Policies do not apply to admissionregistration.k8s.io's own objects.

import { celActivation } from '../cel/cel-program.js';
import { toCel } from '../cel/cel-values.js';
import { compilePolicy, type PolicyPrograms } from '../cel/policy-programs.js';
import { StatusError, type StatusReason } from '../errors/status.js';
import { recordAt, stringAt } from '../resources/json-access.js';
import type { KubeObject } from '../schema/types.js';
import type { AdmissionPlugin, AdmissionRequest } from './admission-chain.js';
import { collectParams } from './validating-admission-policy-params.js';
import { celNamespaceObject, celRequest } from './validating-admission-policy-activation.js';
import { evaluatePolicy } from './validating-admission-policy-eval.js';
import { matchResources, type MatchFacts } from './validating-admission-policy-match.js';

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
    name: r.name,
    ...(r.group ? { group: r.group } : {}),
    kind: r.resource,
    causes: [{ message }],
  });
}

async function admit(r: AdmissionRequest): Promise<void> {
  if (r.group === GROUP) return;
  const policies = await listed(r, 'validatingadmissionpolicies');
  if (policies.length === 0) return;
  const bindings = await listed(r, 'validatingadmissionpolicybindings');
  const isNamespace = r.group === '' && r.resource === 'namespaces';
  const namespace = isNamespace ? r.obj : r.namespace === '' ? undefined : await storedNamespace(r);
  const facts: MatchFacts = { ...r, obj: r.obj, ...(r.old ? { old: r.old } : {}) };
  const base = celActivation({ object: r.obj, oldObject: r.old ?? null, request: celRequest(r), namespaceObject: celNamespaceObject(isNamespace ? undefined : namespace) });
  const denials: Denial[] = [];
  for (const policy of [...policies].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const spec = recordAt(policy, 'spec') ?? {};
    const name = policy.metadata?.name ?? '';
    const failurePolicy = stringAt(spec, 'failurePolicy') ?? 'Fail';
    if (!matchResources(recordAt(spec, 'matchConstraints'), facts, namespace, false)) continue;
    const programs = programsOf(policy);
    if (programs.issues.length > 0) {
      if (failurePolicy !== 'Ignore') denials.push({ policy: name, message: `failed to configure policy: ${programs.issues[0]!.error}`, reason: '' });
      continue;
    }
    for (const binding of bindings) {
      const bindingSpec = recordAt(binding, 'spec') ?? {};
      if (bindingSpec['policyName'] !== name || !matchResources(recordAt(bindingSpec, 'matchResources'), facts, namespace, true)) continue;
      const bindingName = binding.metadata?.name ?? '';
      const params = await collectParams(r, recordAt(spec, 'paramKind'), recordAt(bindingSpec, 'paramRef'));
      if ('error' in params) {
        if (failurePolicy !== 'Ignore') denials.push({ policy: name, binding: bindingName, message: `failed to configure binding: ${params.error}`, reason: '' });
        continue;
      }
      const actions = Array.isArray(bindingSpec['validationActions']) ? (bindingSpec['validationActions'] as string[]) : [];
      for (const param of params.params) {
        for (const failure of evaluatePolicy(programs, { ...base, params: toCel(param) }, failurePolicy)) {
          if (actions.includes('Deny')) denials.push({ policy: name, binding: bindingName, ...failure });
          if (actions.includes('Warn')) r.warnings?.push(`Validation failed for ValidatingAdmissionPolicy '${name}' with binding '${bindingName}': ${failure.message}`);
        }
      }
    }
  }
  if (denials.length > 0) throw refusal(r, denials[0]!);
}

export const validatingAdmissionPolicy: AdmissionPlugin = { name: 'ValidatingAdmissionPolicy', validate: admit };
