// MutatingAdmissionWebhook and ValidatingAdmissionWebhook: the webhooks of every
// admissionregistration.k8s.io/v1 configuration whose rules and selectors match a request are sent an
// AdmissionReview v1; mutating ones in order, their JSONPatch applied to the object, validating ones
// all at once. A refusal and a failed call read as kube-apiserver words them.

import { randomUUID } from 'node:crypto';
import { StatusError, internal, type StatusReason } from '../errors/status.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import type { KubeObject } from '../schema/types.js';
import type { AdmissionPlugin, AdmissionRequest } from './admission-chain.js';
import { callWebhook, WebhookCallError } from './webhook-call.js';
import { matchConditionsMet, webhookApplies } from './webhook-rules.js';
import { resolveServiceEndpoint, type Endpoint } from './webhook-service.js';

type Json = Record<string, unknown>;
type Kind = 'mutatingwebhookconfigurations' | 'validatingwebhookconfigurations';

const GROUP = 'admissionregistration.k8s.io';

/** The webhooks of every configuration of `kind`, configurations in name order, as kube sorts them. */
async function webhooks(r: AdmissionRequest, kind: Kind): Promise<Json[]> {
  const spec = r.ctx.registry.find(GROUP, 'v1', kind);
  if (!spec) return [];
  const cacher = r.ctx.cachers.cacher(r.ctx.store.listPrefix(spec.storagePath));
  await cacher.ready();
  return cacher.list(r.ctx.store.listPrefix(spec.storagePath)).flatMap((c) => (Array.isArray(c['webhooks']) ? (c['webhooks'] as Json[]) : []));
}

async function namespaceLabels(r: AdmissionRequest): Promise<Record<string, unknown> | undefined> {
  if (r.group === '' && r.resource === 'namespaces') return (r.obj.metadata?.labels ?? {}) as Record<string, unknown>;
  if (r.namespace === '') return undefined;
  const spec = r.ctx.registry.find('', 'v1', 'namespaces');
  const stored = spec ? await r.ctx.store.get(r.ctx.store.key(spec.storagePath, undefined, r.namespace)) : undefined;
  return (stored?.obj.metadata?.labels ?? {}) as Record<string, unknown>;
}

function review(r: AdmissionRequest, uid: string): Json {
  const user = r.user;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: r.group, version: r.version, kind: r.kind },
      resource: { group: r.group, version: r.version, resource: r.resource },
      ...(r.subresource ? { subResource: r.subresource } : {}),
      requestKind: { group: r.group, version: r.version, kind: r.kind },
      requestResource: { group: r.group, version: r.version, resource: r.resource },
      ...(r.subresource ? { requestSubResource: r.subresource } : {}),
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      operation: r.operation,
      userInfo: user ? { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : {},
      object: r.obj,
      oldObject: r.old ?? null,
      dryRun: r.dryRun,
      options: { apiVersion: 'meta.k8s.io/v1', kind: r.operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions' },
    },
  };
}

/** webhookerrors.ToStatusErr: a refusal, never below 400. */
function denied(name: string, status: Json | undefined): StatusError {
  const by = `admission webhook "${name}" denied the request`;
  const code = typeof status?.['code'] === 'number' && status['code'] >= 400 ? status['code'] : 400;
  const message = typeof status?.['message'] === 'string' && status['message'] !== '' ? `${by}: ${status['message']}` : typeof status?.['reason'] === 'string' && status['reason'] !== '' ? `${by}: ${status['reason']}` : `${by} without explanation`;
  return new StatusError(code, ((status?.['reason'] as string | undefined) ?? '') as StatusReason, message, status?.['details'] as Json | undefined);
}

/** Calls one webhook; its response, or undefined when it failed and its failurePolicy is Ignore. */
async function call(webhook: Json, r: AdmissionRequest): Promise<Json | undefined> {
  const name = String(webhook['name']);
  const uid = randomUUID();
  try {
    const resolveService = (namespace: string, service: string, port: number): Promise<Endpoint> => resolveServiceEndpoint(r.ctx, namespace, service, port);
    const answer = await callWebhook((webhook['clientConfig'] as Json | undefined) ?? {}, review(r, uid), Number(webhook['timeoutSeconds'] ?? 10), resolveService);
    const response = answer['response'] as Json | undefined;
    if (!response) throw new WebhookCallError('received invalid webhook response: the response is empty');
    if (response['uid'] !== uid) throw new WebhookCallError(`received invalid webhook response: expected response.uid="${uid}", got "${String(response['uid'])}"`);
    return response;
  } catch (error) {
    if (!(error instanceof WebhookCallError)) throw error;
    if (webhook['failurePolicy'] === 'Ignore') return undefined;
    const reason = error.message.startsWith('received invalid') ? error.message : `failed to call webhook: ${error.message}`;
    throw internal(`failed calling webhook "${name}": ${reason}`);
  }
}

async function matching(r: AdmissionRequest, kind: Kind): Promise<Json[]> {
  const all = await webhooks(r, kind);
  if (all.length === 0) return [];
  const labels = await namespaceLabels(r);
  const applying = all.filter((w) => webhookApplies(w, { ...r, obj: r.obj, ...(r.old ? { old: r.old } : {}) }, labels));
  const met: Json[] = [];
  for (const w of applying) if (await matchConditionsMet(w, r)) met.push(w);
  return met;
}

/** Replaces `target`'s contents with `source`'s (the chain mutates the object in place). */
function replaceContents(target: KubeObject, source: KubeObject): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

export const mutatingAdmissionWebhook: AdmissionPlugin = {
  name: 'MutatingAdmissionWebhook',
  async mutate(r) {
    for (const webhook of await matching(r, 'mutatingwebhookconfigurations')) {
      const response = await call(webhook, r);
      if (!response) continue;
      if (response['allowed'] !== true) throw denied(String(webhook['name']), response['status'] as Json | undefined);
      if (typeof response['patch'] !== 'string') continue;
      if (response['patchType'] !== 'JSONPatch') throw internal(`failed calling webhook "${String(webhook['name'])}": received invalid webhook response: unsupported patch type "${String(response['patchType'])}"`);
      replaceContents(r.obj, applyJsonPatch(r.obj, JSON.parse(Buffer.from(response['patch'], 'base64').toString('utf8'))));
    }
  },
};

export const validatingAdmissionWebhook: AdmissionPlugin = {
  name: 'ValidatingAdmissionWebhook',
  async validate(r) {
    const webhooks = await matching(r, 'validatingwebhookconfigurations');
    const results = await Promise.allSettled(webhooks.map((w) => call(w, r)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') throw result.reason;
      if (result.value && result.value['allowed'] !== true) throw denied(String(webhooks[i]!['name']), result.value['status'] as Json | undefined);
    });
  },
};
