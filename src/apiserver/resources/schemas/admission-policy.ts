// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding: CEL
// validations run in the apiserver on the requests a policy's binding selects.
import { atomicList, componentName, int64, keyedList, kindSchema, labelSelector, list, obj, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const name = (kind: string) => componentName.api('admissionregistration', 'v1', kind);
const strings = (description: string) => atomicList(str(), description);
const named = (fields: Record<string, SchemaNode>, description: string) => obj(fields, { required: ['name', 'expression'], description });

export const admissionPolicySchemas: Record<string, SchemaNode> = {
  [name('ParamKind')]: obj({ apiVersion: str('The API group version of the parameter resource.'), kind: str('The kind of the parameter resource.') }, { description: 'The kind of resource that parameterizes a policy.' }),
  [name('NamedRuleWithOperations')]: obj({
    resourceNames: strings('The names the rule applies to; empty means all.'),
    operations: strings('CREATE, UPDATE, DELETE, CONNECT or *.'),
    apiGroups: strings('API groups the rule matches; * is all.'),
    apiVersions: strings('API versions the rule matches; * is all.'),
    resources: strings('Resources the rule matches: pods, pods/status, */scale, *, */*.'),
    scope: str('Cluster, Namespaced or *. Defaults to *.'),
  }, { extra: { 'x-kubernetes-map-type': 'atomic' } }),
  [name('MatchResources')]: obj({
    namespaceSelector: labelSelector('Which namespaces\' objects the policy applies to, by the namespace\'s labels. Defaults to everything.'),
    objectSelector: labelSelector('Which objects the policy applies to, by their labels. Defaults to everything.'),
    resourceRules: atomicList(ref(name('NamedRuleWithOperations')), 'The operations and resources the policy applies to.'),
    excludeResourceRules: atomicList(ref(name('NamedRuleWithOperations')), 'The operations and resources the policy never applies to.'),
    matchPolicy: str('How the rules match requests: Exact or Equivalent. Defaults to Equivalent.'),
  }, { extra: { 'x-kubernetes-map-type': 'atomic' } }),
  [name('Validation')]: obj({
    expression: str('The CEL expression that must evaluate to true for the request to be admitted.'),
    message: str('The message shown when the validation fails.'),
    reason: str('The Status reason of a refusal: Unauthorized, Forbidden, Invalid or RequestEntityTooLarge. Defaults to Invalid.'),
    messageExpression: str('A CEL expression whose string value is the message when the validation fails.'),
  }, { required: ['expression'] }),
  [name('AuditAnnotation')]: obj({ key: str('The audit annotation\'s key, prefixed with the policy\'s name.'), valueExpression: str('A CEL expression giving the value (string or null).') }, { required: ['key', 'valueExpression'] }),
  [name('MatchCondition')]: named({ name: str('An identifier for the condition.'), expression: str('A CEL expression that must evaluate to true for the request to be matched.') }, 'A CEL condition a request must meet.'),
  [name('Variable')]: named({ name: str('The variable\'s name, used as variables.<name>.'), expression: str('The CEL expression giving its value.') }, 'A value computed once per request for the validations to use.'),
  [name('ValidatingAdmissionPolicySpec')]: obj({
    paramKind: ref(name('ParamKind'), 'The kind of resource that parameterizes the policy.'),
    matchConstraints: ref(name('MatchResources'), 'The resources the policy validates. Required.'),
    validations: atomicList(ref(name('Validation')), 'The CEL expressions a request must pass.'),
    failurePolicy: str('What happens when the policy cannot be evaluated: Ignore or Fail. Defaults to Fail.'),
    auditAnnotations: atomicList(ref(name('AuditAnnotation')), 'The audit annotations the policy adds.'),
    matchConditions: keyedList(ref(name('MatchCondition')), 'name', 'CEL conditions a request must meet to be validated.'),
    variables: atomicList(ref(name('Variable')), 'Values the validations can use as variables.<name>.'),
  }),
  [name('ExpressionWarning')]: obj({ fieldRef: str('The path to the field of the expression.'), warning: str('What type checking found.') }, { required: ['fieldRef', 'warning'] }),
  [name('ValidatingAdmissionPolicyStatus')]: obj({
    observedGeneration: int64('The generation the controller last observed.'),
    typeChecking: obj({ expressionWarnings: atomicList(ref(name('ExpressionWarning')), 'Type checking warnings of each expression.') }, { description: 'The results of type checking the expressions.' }),
    conditions: list(ref(componentName.meta('Condition')), { description: 'The policy\'s latest observed conditions.', listType: 'map', mapKeys: ['type'] }),
  }),
  [name('ParamRef')]: obj({
    name: str('The name of the parameter resource.'),
    namespace: str('The namespace of the parameter resource.'),
    selector: labelSelector('Selects several parameter resources by label; the policy runs once per each.'),
    parameterNotFoundAction: str('What happens when no parameter resource is found: Allow or Deny. Defaults to Deny.'),
  }, { extra: { 'x-kubernetes-map-type': 'atomic' } }),
  [name('ValidatingAdmissionPolicyBindingSpec')]: obj({
    policyName: str('The name of the ValidatingAdmissionPolicy this binding binds. Required.'),
    paramRef: ref(name('ParamRef'), 'The parameter resource the policy is given.'),
    matchResources: ref(name('MatchResources'), 'Narrows the resources the policy applies to.'),
    validationActions: list(str(), { description: 'What a failed validation does: Deny, Warn and/or Audit.', listType: 'set' }),
  }),
  [name('ValidatingAdmissionPolicy')]: kindSchema(
    { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy' },
    'ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.',
    {
      spec: ref(name('ValidatingAdmissionPolicySpec'), 'Specification of the desired behavior of the ValidatingAdmissionPolicy.'),
      status: ref(name('ValidatingAdmissionPolicyStatus'), 'The status of the ValidatingAdmissionPolicy. Populated by the system. Read-only.'),
    },
  ),
  [name('ValidatingAdmissionPolicyBinding')]: kindSchema(
    { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicyBinding' },
    'ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources.',
    { spec: ref(name('ValidatingAdmissionPolicyBindingSpec'), 'Specification of the desired behavior of ValidatingAdmissionPolicyBinding.') },
  ),
};
