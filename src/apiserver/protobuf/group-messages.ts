// Messages of the named API groups (k8s.io/api/<group>/<version>/generated.proto field numbers), as
// shapes (see message-table.ts) with Go's JSON tags.

export const GROUP_MESSAGES: Record<string, string> = {
  // apps/v1
  Deployment: 'metadata=1:ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  DeploymentSpec: `replicas=1:*int selector=2:*LabelSelector template=3:PodTemplateSpec strategy=4:DeploymentStrategy minReadySeconds=5:int
    revisionHistoryLimit=6:*int paused=7:bool progressDeadlineSeconds=9:*int`,
  DeploymentStrategy: 'type=1 rollingUpdate=2:*RollingUpdateDeployment',
  RollingUpdateDeployment: 'maxUnavailable=1:*IntOrString maxSurge=2:*IntOrString',
  DeploymentStatus: `observedGeneration=1:int replicas=2:int updatedReplicas=3:int readyReplicas=7:int availableReplicas=4:int
    unavailableReplicas=5:int terminatingReplicas=9:*int conditions=6:[]DeploymentCondition collisionCount=8:*int`,
  DeploymentCondition: 'type=1:! status=2:! lastUpdateTime=6:Time lastTransitionTime=7:Time reason=4 message=5',
  ReplicaSet: 'metadata=1:ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus',
  ReplicaSetSpec: 'replicas=1:*int minReadySeconds=4:int selector=2:*LabelSelector template=3:PodTemplateSpec',
  ReplicaSetStatus: `replicas=1:!int fullyLabeledReplicas=2:int readyReplicas=4:int availableReplicas=5:int terminatingReplicas=7:*int
    observedGeneration=3:int conditions=6:[]ReplicaSetCondition`,
  ReplicaSetCondition: 'type=1:! status=2:! lastTransitionTime=3:Time reason=4 message=5',
  // batch/v1
  Job: 'metadata=1:ObjectMeta spec=2:JobSpec status=3:JobStatus',
  JobSpec: `parallelism=1:*int completions=2:*int activeDeadlineSeconds=3:*int podFailurePolicy=11:*PodFailurePolicy
    successPolicy=16:*SuccessPolicy backoffLimit=7:*int backoffLimitPerIndex=12:*int maxFailedIndexes=13:*int selector=4:*LabelSelector
    manualSelector=5:*bool template=6:!PodTemplateSpec ttlSecondsAfterFinished=8:*int completionMode=9:* suspend=10:*bool
    podReplacementPolicy=14:* managedBy=15:*`,
  PodFailurePolicy: 'rules=1:![]PodFailurePolicyRule',
  PodFailurePolicyRule: 'action=1:! onExitCodes=2:*PodFailurePolicyOnExitCodesRequirement onPodConditions=3:[]PodFailurePolicyOnPodConditionsPattern',
  PodFailurePolicyOnExitCodesRequirement: 'containerName=1:* operator=2:! values=3:![]int',
  PodFailurePolicyOnPodConditionsPattern: 'type=1:! status=2:!',
  SuccessPolicy: 'rules=1:![]SuccessPolicyRule',
  SuccessPolicyRule: 'succeededIndexes=1:* succeededCount=2:*int',
  JobStatus: `conditions=1:[]JobCondition startTime=2:*Time completionTime=3:*Time active=4:int succeeded=5:int failed=6:int
    terminating=11:*int completedIndexes=7 failedIndexes=10:* uncountedTerminatedPods=8:*UncountedTerminatedPods ready=9:*int`,
  JobCondition: 'type=1:! status=2:! lastProbeTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  UncountedTerminatedPods: 'succeeded=1:[] failed=2:[]',
  CronJob: 'metadata=1:ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus',
  CronJobSpec: `schedule=1:! timeZone=8:* startingDeadlineSeconds=2:*int concurrencyPolicy=3 suspend=4:*bool jobTemplate=5:!JobTemplateSpec
    successfulJobsHistoryLimit=6:*int failedJobsHistoryLimit=7:*int`,
  JobTemplateSpec: 'metadata=1:ObjectMeta spec=2:JobSpec',
  CronJobStatus: 'active=1:[]ObjectReference lastScheduleTime=4:*Time lastSuccessfulTime=5:*Time',
  // policy/v1
  PodDisruptionBudget: 'metadata=1:ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus',
  PodDisruptionBudgetSpec: 'minAvailable=1:*IntOrString selector=2:*LabelSelector maxUnavailable=3:*IntOrString unhealthyPodEvictionPolicy=4:*',
  PodDisruptionBudgetStatus: `observedGeneration=1:int disruptedPods=2:map<Time> disruptionsAllowed=3:!int currentHealthy=4:!int
    desiredHealthy=5:!int expectedPods=6:!int conditions=7:[]Condition`,
  Eviction: 'metadata=1:ObjectMeta deleteOptions=2:*DeleteOptions',
  DeleteOptions: `gracePeriodSeconds=1:*int preconditions=2:*Preconditions orphanDependents=3:*bool propagationPolicy=4:* dryRun=5:[]
    ignoreStoreReadErrorWithClusterBreakingPotential=6:*bool`,
  Preconditions: 'uid=1:* resourceVersion=2:*',
  // autoscaling/v1
  Scale: 'metadata=1:ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
  ScaleSpec: 'replicas=1:int',
  ScaleStatus: 'replicas=1:!int selector=2',
  // discovery.k8s.io/v1 (its Endpoint and EndpointPort renamed here: core/v1 has messages of those names)
  EndpointSlice: 'metadata=1:ObjectMeta addressType=4:! endpoints=2:![]SliceEndpoint ports=3:[]SliceEndpointPort',
  SliceEndpoint: `addresses=1:![] conditions=2:EndpointConditions hostname=3:* targetRef=4:*ObjectReference deprecatedTopology=5:map
    nodeName=6:* zone=7:* hints=8:*EndpointHints`,
  EndpointConditions: 'ready=1:*bool serving=2:*bool terminating=3:*bool',
  EndpointHints: 'forZones=1:[]ForZone forNodes=2:[]ForNode',
  ForZone: 'name=1:!',
  ForNode: 'name=1:!',
  SliceEndpointPort: 'name=1:* protocol=2:* port=3:*int appProtocol=4:*',
  // events.k8s.io/v1 (renamed here: core/v1 has an Event)
  EventsEvent: `metadata=1:ObjectMeta eventTime=2:!MicroTime series=3:*EventsEventSeries reportingController=4 reportingInstance=5
    action=6 reason=7 regarding=8:ObjectReference related=9:*ObjectReference note=10 type=11 deprecatedSource=12:EventSource
    deprecatedFirstTimestamp=13:Time deprecatedLastTimestamp=14:Time deprecatedCount=15:int`,
  EventsEventSeries: 'count=1:!int lastObservedTime=2:!MicroTime',
  // networking.k8s.io/v1
  Ingress: 'metadata=1:ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
  IngressSpec: 'ingressClassName=4:* defaultBackend=1:*IngressBackend tls=2:[]IngressTLS rules=3:[]IngressRule',
  IngressBackend: 'service=4:*IngressServiceBackend resource=3:*TypedLocalObjectReference',
  IngressServiceBackend: 'name=1:! port=2:ServiceBackendPort',
  ServiceBackendPort: 'name=1 number=2:int',
  IngressTLS: 'hosts=1:[] secretName=2',
  IngressRule: 'host=1 value=2:^IngressRuleValue',
  IngressRuleValue: 'http=1:*HTTPIngressRuleValue',
  HTTPIngressRuleValue: 'paths=1:![]HTTPIngressPath',
  HTTPIngressPath: 'path=1 pathType=3:* backend=2:!IngressBackend',
  IngressStatus: 'loadBalancer=1:IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: 'ingress=1:[]IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: 'ip=1 hostname=2 ports=4:[]IngressPortStatus',
  IngressPortStatus: 'port=1:!int protocol=2:! error=3:*',
  // scheduling.k8s.io/v1
  PriorityClass: 'metadata=1:ObjectMeta value=2:!int globalDefault=3:bool description=4 preemptionPolicy=5:*',
  // coordination.k8s.io/v1
  Lease: 'metadata=1:ObjectMeta spec=2:LeaseSpec',
  LeaseSpec: `holderIdentity=1:* leaseDurationSeconds=2:*int acquireTime=3:*MicroTime renewTime=4:*MicroTime leaseTransitions=5:*int
    strategy=6:* preferredHolder=7:*`,
  // rbac.authorization.k8s.io/v1
  PolicyRule: 'verbs=1:![] apiGroups=2:[] resources=3:[] resourceNames=4:[] nonResourceURLs=5:[]',
  Subject: 'kind=1:! apiGroup=2 name=3:! namespace=4',
  RoleRef: 'apiGroup=1:! kind=2:! name=3:!',
  Role: 'metadata=1:ObjectMeta rules=2:![]PolicyRule',
  ClusterRole: 'metadata=1:ObjectMeta rules=2:![]PolicyRule aggregationRule=3:*AggregationRule',
  AggregationRule: 'clusterRoleSelectors=1:[]LabelSelector',
  RoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:!RoleRef',
  ClusterRoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:!RoleRef',
  // authentication.k8s.io/v1
  TokenRequest: 'metadata=1:ObjectMeta spec=2:!TokenRequestSpec status=3:TokenRequestStatus',
  TokenRequestSpec: 'audiences=1:![] expirationSeconds=4:*int boundObjectRef=3:*BoundObjectReference',
  BoundObjectReference: 'kind=1 apiVersion=2 name=3 uid=4',
  TokenRequestStatus: 'token=1:! expirationTimestamp=2:!Time',
  SelfSubjectReview: 'metadata=1:ObjectMeta status=2:SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  UserInfo: 'username=1 uid=2 groups=3:[] extra=4:map<ExtraValue>',
  // authorization.k8s.io/v1
  SelfSubjectAccessReview: 'metadata=1:ObjectMeta spec=2:!SelfSubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SelfSubjectAccessReviewSpec: 'resourceAttributes=1:*ResourceAttributes nonResourceAttributes=2:*NonResourceAttributes',
  SubjectAccessReview: 'metadata=1:ObjectMeta spec=2:!SubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SubjectAccessReviewSpec: `resourceAttributes=1:*ResourceAttributes nonResourceAttributes=2:*NonResourceAttributes user=3 groups=4:[]
    extra=5:map<ExtraValue> uid=6`,
  ResourceAttributes: `namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7 fieldSelector=8:*FieldSelectorAttributes
    labelSelector=9:*LabelSelectorAttributes`,
  FieldSelectorAttributes: 'rawSelector=1 requirements=2:[]FieldSelectorRequirement',
  FieldSelectorRequirement: 'key=1:! operator=2:! values=3:[]',
  LabelSelectorAttributes: 'rawSelector=1 requirements=2:[]LabelSelectorRequirement',
  NonResourceAttributes: 'path=1 verb=2',
  SubjectAccessReviewStatus: 'allowed=1:!bool denied=4:bool reason=2 evaluationError=3',
  SelfSubjectRulesReview: 'metadata=1:ObjectMeta spec=2:!SelfSubjectRulesReviewSpec status=3:SubjectRulesReviewStatus',
  SelfSubjectRulesReviewSpec: 'namespace=1',
  SubjectRulesReviewStatus: 'resourceRules=1:![]ResourceRule nonResourceRules=2:![]NonResourceRule incomplete=3:!bool evaluationError=4',
  ResourceRule: 'verbs=1:![] apiGroups=2:[] resources=3:[] resourceNames=4:[]',
  NonResourceRule: 'verbs=1:![] nonResourceURLs=2:[]',
};
