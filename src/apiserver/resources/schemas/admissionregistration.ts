// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration:
// which requests the apiserver sends to which HTTPS webhook, and what it does when one fails.
import { atomicList, bytes, componentName, int32, keyedList, kindSchema, labelSelector, list, obj, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const name = (kind: string) => componentName.api('admissionregistration', 'v1', kind);
const strings = (description: string) => atomicList(str(), description);

const webhookFields = (): Record<string, SchemaNode> => ({
  name: str('The name of the admission webhook, fully qualified (e.g. imagepolicy.kubernetes.io).'),
  clientConfig: ref(name('WebhookClientConfig'), 'How to reach the webhook.'),
  rules: list(ref(name('RuleWithOperations')), { description: 'The operations and resources the webhook cares about.' }),
  failurePolicy: str('How errors calling the webhook are handled: Ignore or Fail. Defaults to Fail.'),
  matchPolicy: str('How the rules match requests: Exact or Equivalent. Defaults to Equivalent.'),
  namespaceSelector: labelSelector('Which namespaces\' objects are sent, by the namespace\'s labels. Defaults to everything.'),
  objectSelector: labelSelector('Which objects are sent, by their labels. Defaults to everything.'),
  sideEffects: str('Whether calling the webhook has side effects: None or NoneOnDryRun.'),
  timeoutSeconds: int32('How long the apiserver waits for the webhook, 1 to 30 seconds. Defaults to 10.'),
  admissionReviewVersions: strings('The AdmissionReview versions the webhook accepts, in order of preference.'),
  matchConditions: keyedList(obj({ name: str(), expression: str() }, { required: ['name', 'expression'] }), 'name', 'CEL conditions a request must meet to be sent.'),
});

export const admissionRegistrationSchemas: Record<string, SchemaNode> = {
  [name('WebhookClientConfig')]: obj({
    url: str('The webhook\'s location as an https URL.'),
    service: obj({ namespace: str(), name: str(), path: str(), port: int32() }, { required: ['namespace', 'name'], description: 'A Service in front of the webhook.' }),
    caBundle: bytes('PEM CA bundle that validates the webhook\'s serving certificate.'),
  }),
  [name('RuleWithOperations')]: obj({
    operations: strings('CREATE, UPDATE, DELETE, CONNECT or *.'),
    apiGroups: strings('API groups the rule matches; * is all.'),
    apiVersions: strings('API versions the rule matches; * is all.'),
    resources: strings('Resources the rule matches: pods, pods/status, */scale, *, */*.'),
    scope: str('Cluster, Namespaced or *. Defaults to *.'),
  }),
  [name('MutatingWebhook')]: obj({ ...webhookFields(), reinvocationPolicy: str('Never or IfNeeded. Defaults to Never.') }, { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'] }),
  [name('ValidatingWebhook')]: obj(webhookFields(), { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'] }),
  [name('MutatingWebhookConfiguration')]: kindSchema(
    { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'MutatingWebhookConfiguration' },
    'MutatingWebhookConfiguration describes the configuration of an admission webhook that may change objects.',
    { webhooks: keyedList(ref(name('MutatingWebhook')), 'name', 'The webhooks and the resources and operations each is sent.') },
  ),
  [name('ValidatingWebhookConfiguration')]: kindSchema(
    { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration' },
    'ValidatingWebhookConfiguration describes the configuration of an admission webhook that accepts or rejects objects without changing them.',
    { webhooks: keyedList(ref(name('ValidatingWebhook')), 'name', 'The webhooks and the resources and operations each is sent.') },
  ),
};
