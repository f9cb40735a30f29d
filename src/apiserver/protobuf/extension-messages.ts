// Messages of the API groups that extend the apiserver: admissionregistration.k8s.io/v1 (webhook
// configurations, ValidatingAdmissionPolicy and its bindings) and apiextensions.k8s.io/v1
// (CustomResourceDefinition; its objects are JSON only), with the field numbers of their
// generated.proto, as shapes (see message-table.ts) with Go's JSON tags. The two groups' webhook
// client configurations are the same message, written once.

export const EXTENSION_MESSAGES: Record<string, string> = {
  // admissionregistration.k8s.io/v1
  ValidatingWebhookConfiguration: 'metadata=1:ObjectMeta webhooks=2:[]ValidatingWebhook',
  MutatingWebhookConfiguration: 'metadata=1:ObjectMeta webhooks=2:[]MutatingWebhook',
  ValidatingWebhook: `name=1:! clientConfig=2:!WebhookClientConfig rules=3:[]RuleWithOperations failurePolicy=4:* matchPolicy=9:*
    namespaceSelector=5:*LabelSelector objectSelector=10:*LabelSelector sideEffects=6:*! timeoutSeconds=7:*int
    admissionReviewVersions=8:![] matchConditions=11:[]MatchCondition`,
  MutatingWebhook: `name=1:! clientConfig=2:!WebhookClientConfig rules=3:[]RuleWithOperations failurePolicy=4:* matchPolicy=9:*
    namespaceSelector=5:*LabelSelector objectSelector=11:*LabelSelector sideEffects=6:*! timeoutSeconds=7:*int
    admissionReviewVersions=8:![] reinvocationPolicy=10:* matchConditions=12:[]MatchCondition`,
  WebhookClientConfig: 'url=3:* service=1:*ServiceReference caBundle=2:bytes',
  ServiceReference: 'namespace=1:! name=2:! path=3:* port=4:*int',
  RuleWithOperations: 'operations=1:[] rule=2:^Rule',
  Rule: 'apiGroups=1:[] apiVersions=2:[] resources=3:[] scope=4:*',
  MatchCondition: 'name=1:! expression=2:!',
  ValidatingAdmissionPolicy: 'metadata=1:ObjectMeta spec=2:ValidatingAdmissionPolicySpec status=3:ValidatingAdmissionPolicyStatus',
  ValidatingAdmissionPolicySpec: `paramKind=1:*ParamKind matchConstraints=2:*MatchResources validations=3:[]Validation failurePolicy=4:*
    auditAnnotations=5:[]AuditAnnotation matchConditions=6:[]MatchCondition variables=7:[]Variable`,
  ParamKind: 'apiVersion=1 kind=2',
  MatchResources: `namespaceSelector=1:*LabelSelector objectSelector=2:*LabelSelector resourceRules=3:[]NamedRuleWithOperations
    excludeResourceRules=4:[]NamedRuleWithOperations matchPolicy=7:*`,
  NamedRuleWithOperations: 'resourceNames=1:[] ruleWithOperations=2:^RuleWithOperations',
  Validation: 'expression=1:! message=2 reason=3:* messageExpression=4',
  AuditAnnotation: 'key=1:! valueExpression=2:!',
  Variable: 'name=1:! expression=2:!',
  ValidatingAdmissionPolicyStatus: 'observedGeneration=1:int typeChecking=2:*TypeChecking conditions=3:[]Condition',
  TypeChecking: 'expressionWarnings=1:[]ExpressionWarning',
  ExpressionWarning: 'fieldRef=2:! warning=3:!',
  ValidatingAdmissionPolicyBinding: 'metadata=1:ObjectMeta spec=2:ValidatingAdmissionPolicyBindingSpec',
  ValidatingAdmissionPolicyBindingSpec: 'policyName=1 paramRef=2:*ParamRef matchResources=3:*MatchResources validationActions=4:[]',
  ParamRef: 'name=1 namespace=2 selector=3:*LabelSelector parameterNotFoundAction=4:*',
  // apiextensions.k8s.io/v1
  CustomResourceDefinition: 'metadata=1:ObjectMeta spec=2:!CustomResourceDefinitionSpec status=3:CustomResourceDefinitionStatus',
  CustomResourceDefinitionSpec: `group=1:! names=3:!CustomResourceDefinitionNames scope=4:! versions=7:![]CustomResourceDefinitionVersion
    conversion=9:*CustomResourceConversion preserveUnknownFields=10:bool`,
  CustomResourceDefinitionNames: 'plural=1:! singular=2 shortNames=3:[] kind=4:! listKind=5 categories=6:[]',
  CustomResourceDefinitionVersion: `name=1:! served=2:!bool storage=3:!bool deprecated=7:bool deprecationWarning=8:*
    schema=4:*CustomResourceValidation subresources=5:*CustomResourceSubresources
    additionalPrinterColumns=6:[]CustomResourceColumnDefinition selectableFields=9:[]SelectableField`,
  CustomResourceValidation: 'openAPIV3Schema=1:*JSONSchemaProps',
  CustomResourceSubresources: 'status=1:*CustomResourceSubresourceStatus scale=2:*CustomResourceSubresourceScale',
  CustomResourceSubresourceStatus: '',
  CustomResourceSubresourceScale: 'specReplicasPath=1:! statusReplicasPath=2:! labelSelectorPath=3:*',
  CustomResourceColumnDefinition: 'name=1:! type=2:! format=3 description=4 priority=5:int jsonPath=6:!',
  SelectableField: 'jsonPath=1:!',
  CustomResourceConversion: 'strategy=1:! webhook=2:*WebhookConversion',
  WebhookConversion: 'clientConfig=2:*WebhookClientConfig conversionReviewVersions=3:![]',
  CustomResourceDefinitionStatus: 'conditions=1:[]CustomResourceDefinitionCondition acceptedNames=2:!CustomResourceDefinitionNames storedVersions=3:![]',
  CustomResourceDefinitionCondition: 'type=1:! status=2:! lastTransitionTime=3:Time reason=4 message=5',
  // JSON-typed values (default, enum, example) are apiextensions' JSON message: JSON bytes in field 1, as RawExtension.
  JSONSchemaProps: `id=1 $schema=2 $ref=3:* description=4 type=5 format=6 title=7 default=8:*RawExtension maximum=9:*double
    exclusiveMaximum=10:bool minimum=11:*double exclusiveMinimum=12:bool maxLength=13:*int minLength=14:*int pattern=15
    maxItems=16:*int minItems=17:*int uniqueItems=18:bool multipleOf=19:*double enum=20:[]RawExtension maxProperties=21:*int
    minProperties=22:*int required=23:[] items=24:*JSONSchemaPropsOrArray allOf=25:[]JSONSchemaProps oneOf=26:[]JSONSchemaProps
    anyOf=27:[]JSONSchemaProps not=28:*JSONSchemaProps properties=29:map<JSONSchemaProps>
    additionalProperties=30:*JSONSchemaPropsOrBool patternProperties=31:map<JSONSchemaProps>
    dependencies=32:map<JSONSchemaPropsOrStringArray> additionalItems=33:*JSONSchemaPropsOrBool definitions=34:map<JSONSchemaProps>
    externalDocs=35:*ExternalDocumentation example=36:*RawExtension nullable=37:bool x-kubernetes-preserve-unknown-fields=38:*bool
    x-kubernetes-embedded-resource=39:bool x-kubernetes-int-or-string=40:bool x-kubernetes-list-map-keys=41:[]
    x-kubernetes-list-type=42:* x-kubernetes-map-type=43:* x-kubernetes-validations=44:[]ValidationRule`,
  ExternalDocumentation: 'description=1 url=2',
  ValidationRule: 'rule=1:! message=2 messageExpression=3 reason=4:* fieldPath=5 optionalOldSelf=6:*bool',
};
