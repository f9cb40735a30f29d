// meta/v1 and core/v1 messages (k8s.io/apimachinery and k8s.io/api/core/v1 generated.proto field
// numbers), written as shapes (see message-table.ts) with Go's JSON tags: `!` where a field has no
// omitempty, `*` where the Go field is a pointer.

export const META_MESSAGES: Record<string, string> = {
  ObjectMeta: `name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:int
    creationTimestamp=8:Time deletionTimestamp=9:*Time deletionGracePeriodSeconds=10:*int labels=11:map annotations=12:map
    ownerReferences=13:[]OwnerReference finalizers=14:[] managedFields=17:[]ManagedFieldsEntry`,
  OwnerReference: 'kind=1:! name=3:! uid=4:! apiVersion=5:! controller=6:*bool blockOwnerDeletion=7:*bool',
  ManagedFieldsEntry: 'manager=1 operation=2 apiVersion=3 time=4:*Time fieldsType=6 fieldsV1=7:*FieldsV1 subresource=8',
  LabelSelector: 'matchLabels=1:map matchExpressions=2:[]LabelSelectorRequirement',
  LabelSelectorRequirement: 'key=1:! operator=2:! values=3:[]',
  Condition: 'type=1:! status=2:! observedGeneration=3:int lastTransitionTime=4:!Time reason=5:! message=6:!',
  ListMeta: 'selfLink=1 resourceVersion=2 continue=3 remainingItemCount=4:*int',
  Status: 'metadata=1:ListMeta status=2 message=3 reason=4 details=5:*StatusDetails code=6:int',
  StatusDetails: 'name=1 group=2 kind=3 uid=6 causes=4:[]StatusCause retryAfterSeconds=5:int',
  StatusCause: 'reason=1 message=2 field=3',
};

const CONTAINER_FIELDS = `name=1:! image=2 command=3:[] args=4:[] workingDir=5 ports=6:[]ContainerPort envFrom=19:[]EnvFromSource
  env=7:[]EnvVar resources=8:ResourceRequirements resizePolicy=23:[]ContainerResizePolicy restartPolicy=24:*
  volumeMounts=9:[]VolumeMount volumeDevices=21:[]VolumeDevice livenessProbe=10:*Probe readinessProbe=11:*Probe
  startupProbe=22:*Probe lifecycle=12:*Lifecycle terminationMessagePath=13 terminationMessagePolicy=20 imagePullPolicy=14
  securityContext=15:*SecurityContext stdin=16:bool stdinOnce=17:bool tty=18:bool`;

export const CORE_MESSAGES: Record<string, string> = {
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',
  LocalObjectReference: 'name=1',
  TypedLocalObjectReference: 'apiGroup=1:* kind=2:! name=3:!',
  ConfigMap: 'metadata=1:ObjectMeta immutable=4:*bool data=2:map binaryData=3:map<bytes>',
  Secret: 'metadata=1:ObjectMeta immutable=5:*bool data=2:map<bytes> stringData=4:map type=3',
  ServiceAccount: 'metadata=1:ObjectMeta secrets=2:[]ObjectReference imagePullSecrets=3:[]LocalObjectReference automountServiceAccountToken=4:*bool',
  Namespace: 'metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  NamespaceSpec: 'finalizers=1:[]',
  NamespaceStatus: 'phase=1 conditions=2:[]NamespaceCondition',
  NamespaceCondition: 'type=1:! status=2:! lastTransitionTime=4:Time reason=5 message=6',
  ResourceQuota: 'metadata=1:ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus',
  ResourceQuotaSpec: 'hard=1:map<Quantity> scopes=2:[] scopeSelector=3:*ScopeSelector',
  ResourceQuotaStatus: 'hard=1:map<Quantity> used=2:map<Quantity>',
  ScopeSelector: 'matchExpressions=1:[]ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: 'scopeName=1:! operator=2:! values=3:[]',
  LimitRange: 'metadata=1:ObjectMeta spec=2:LimitRangeSpec',
  LimitRangeSpec: 'limits=1:![]LimitRangeItem',
  LimitRangeItem: 'type=1:! max=2:map<Quantity> min=3:map<Quantity> default=4:map<Quantity> defaultRequest=5:map<Quantity> maxLimitRequestRatio=6:map<Quantity>',
  Service: 'metadata=1:ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  ServiceSpec: `ports=1:[]ServicePort selector=2:map clusterIP=3 clusterIPs=18:[] type=4 externalIPs=5:[] sessionAffinity=7
    loadBalancerIP=8 loadBalancerSourceRanges=9:[] externalName=10 externalTrafficPolicy=11 healthCheckNodePort=12:int
    publishNotReadyAddresses=13:bool sessionAffinityConfig=14:*SessionAffinityConfig ipFamilies=19:[] ipFamilyPolicy=17:*
    allocateLoadBalancerNodePorts=20:*bool loadBalancerClass=21:* internalTrafficPolicy=22:* trafficDistribution=23:*`,
  ServicePort: 'name=1 protocol=2 appProtocol=6:* port=3:!int targetPort=4:IntOrString nodePort=5:int',
  SessionAffinityConfig: 'clientIP=1:*ClientIPConfig',
  ClientIPConfig: 'timeoutSeconds=1:*int',
  ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:[]Condition',
  LoadBalancerStatus: 'ingress=1:[]LoadBalancerIngress',
  LoadBalancerIngress: 'ip=1 hostname=2 ipMode=3:* ports=4:[]PortStatus',
  PortStatus: 'port=1:!int protocol=2:! error=3:*',
  Pod: 'metadata=1:ObjectMeta spec=2:PodSpec status=3:PodStatus',
  Binding: 'metadata=1:ObjectMeta target=2:!ObjectReference',
  PodStatus: `phase=1 conditions=2:[]PodCondition message=3 reason=4 nominatedNodeName=11 hostIP=5 hostIPs=16:[]HostIP podIP=6
    podIPs=12:[]PodIP startTime=7:*Time initContainerStatuses=10:[]ContainerStatus containerStatuses=8:[]ContainerStatus qosClass=9
    ephemeralContainerStatuses=13:[]ContainerStatus resize=14`,
  PodCondition: 'type=1:! status=2:! lastProbeTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  HostIP: 'ip=1:!',
  PodIP: 'ip=1:!',
  ContainerStatus: `name=1:! state=2:ContainerState lastState=3:ContainerState ready=4:!bool restartCount=5:!int image=6:! imageID=7:!
    containerID=8 started=9:*bool allocatedResources=10:map<Quantity> resources=11:*ResourceRequirements`,
  ContainerState: 'waiting=1:*ContainerStateWaiting running=2:*ContainerStateRunning terminated=3:*ContainerStateTerminated',
  ContainerStateWaiting: 'reason=1 message=2',
  ContainerStateRunning: 'startedAt=1:Time',
  ContainerStateTerminated: 'exitCode=1:!int signal=2:int reason=3 message=4 startedAt=5:Time finishedAt=6:Time containerID=7',
  Node: 'metadata=1:ObjectMeta spec=2:NodeSpec status=3:NodeStatus',
  NodeSpec: 'podCIDR=1 podCIDRs=7:[] providerID=3 unschedulable=4:bool taints=5:[]Taint externalID=2',
  Taint: 'key=1:! value=2 effect=3:! timeAdded=4:*Time',
  NodeStatus: `capacity=1:map<Quantity> allocatable=2:map<Quantity> phase=3 conditions=4:[]NodeCondition addresses=5:[]NodeAddress
    daemonEndpoints=6:NodeDaemonEndpoints nodeInfo=7:NodeSystemInfo images=8:[]ContainerImage volumesInUse=9:[] volumesAttached=10:[]AttachedVolume`,
  NodeCondition: 'type=1:! status=2:! lastHeartbeatTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  NodeAddress: 'type=1:! address=2:!',
  NodeDaemonEndpoints: 'kubeletEndpoint=1:DaemonEndpoint',
  DaemonEndpoint: 'Port=1:!int',
  NodeSystemInfo: `machineID=1:! systemUUID=2:! bootID=3:! kernelVersion=4:! osImage=5:! containerRuntimeVersion=6:! kubeletVersion=7:!
    kubeProxyVersion=8:! operatingSystem=9:! architecture=10:!`,
  ContainerImage: 'names=1:[] sizeBytes=2:int',
  AttachedVolume: 'name=1:! devicePath=2:!',
  Endpoints: 'metadata=1:ObjectMeta subsets=2:[]EndpointSubset',
  EndpointSubset: 'addresses=1:[]EndpointAddress notReadyAddresses=2:[]EndpointAddress ports=3:[]EndpointPort',
  EndpointAddress: 'ip=1:! hostname=3 nodeName=4:* targetRef=2:*ObjectReference',
  EndpointPort: 'name=1 port=2:!int protocol=3 appProtocol=4:*',
  Event: `metadata=1:ObjectMeta involvedObject=2:!ObjectReference reason=3 message=4 source=5:EventSource firstTimestamp=6:Time
    lastTimestamp=7:Time count=8:int type=9 eventTime=10:MicroTime series=11:*EventSeries action=12 related=13:*ObjectReference
    reportingComponent=14:! reportingInstance=15:!`,
  EventSource: 'component=1 host=2',
  EventSeries: 'count=1:int lastObservedTime=2:MicroTime',
  PodTemplateSpec: 'metadata=1:ObjectMeta spec=2:PodSpec',
  ReplicationController: 'metadata=1:ObjectMeta spec=2:ReplicationControllerSpec status=3:ReplicationControllerStatus',
  ReplicationControllerSpec: 'replicas=1:*int minReadySeconds=4:int selector=2:map template=3:*PodTemplateSpec',
  ReplicationControllerStatus: `replicas=1:!int fullyLabeledReplicas=2:int readyReplicas=4:int availableReplicas=5:int observedGeneration=3:int
    conditions=6:[]ReplicationControllerCondition`,
  ReplicationControllerCondition: 'type=1:! status=2:! lastTransitionTime=3:Time reason=4 message=5',
  PodSpec: `volumes=1:[]Volume initContainers=20:[]Container containers=2:![]Container ephemeralContainers=34:[]EphemeralContainer
    restartPolicy=3 terminationGracePeriodSeconds=4:*int activeDeadlineSeconds=5:*int dnsPolicy=6 nodeSelector=7:map
    serviceAccountName=8 serviceAccount=9 automountServiceAccountToken=21:*bool nodeName=10 hostNetwork=11:bool hostPID=12:bool
    hostIPC=13:bool shareProcessNamespace=27:*bool securityContext=14:*PodSecurityContext imagePullSecrets=15:[]LocalObjectReference
    hostname=16 subdomain=17 affinity=18:*Affinity schedulerName=19 tolerations=22:[]Toleration hostAliases=23:[]HostAlias
    priorityClassName=24 priority=25:*int dnsConfig=26:*PodDNSConfig readinessGates=28:[]PodReadinessGate runtimeClassName=29:*
    enableServiceLinks=30:*bool preemptionPolicy=31:* overhead=32:map<Quantity> topologySpreadConstraints=33:[]TopologySpreadConstraint
    setHostnameAsFQDN=35:*bool os=36:*PodOS hostUsers=37:*bool schedulingGates=38:[]PodSchedulingGate`,
  PodOS: 'name=1:!',
  PodSchedulingGate: 'name=1:!',
  PodReadinessGate: 'conditionType=1:!',
  PodDNSConfig: 'nameservers=1:[] searches=2:[] options=3:[]PodDNSConfigOption',
  PodDNSConfigOption: 'name=1 value=2:*',
  HostAlias: 'ip=1:! hostnames=2:[]',
  Toleration: 'key=1 operator=2 value=3 effect=4 tolerationSeconds=5:*int',
  TopologySpreadConstraint: `maxSkew=1:!int topologyKey=2:! whenUnsatisfiable=3:! labelSelector=4:*LabelSelector minDomains=5:*int
    nodeAffinityPolicy=6:* nodeTaintsPolicy=7:* matchLabelKeys=8:[]`,
  Affinity: 'nodeAffinity=1:*NodeAffinity podAffinity=2:*PodAffinity podAntiAffinity=3:*PodAntiAffinity',
  NodeAffinity: 'requiredDuringSchedulingIgnoredDuringExecution=1:*NodeSelector preferredDuringSchedulingIgnoredDuringExecution=2:[]PreferredSchedulingTerm',
  NodeSelector: 'nodeSelectorTerms=1:![]NodeSelectorTerm',
  NodeSelectorTerm: 'matchExpressions=1:[]NodeSelectorRequirement matchFields=2:[]NodeSelectorRequirement',
  NodeSelectorRequirement: 'key=1:! operator=2:! values=3:[]',
  PreferredSchedulingTerm: 'weight=1:!int preference=2:!NodeSelectorTerm',
  PodAffinity: 'requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm',
  PodAntiAffinity: 'requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm',
  PodAffinityTerm: 'labelSelector=1:*LabelSelector namespaces=2:[] topologyKey=3:! namespaceSelector=4:*LabelSelector matchLabelKeys=5:[] mismatchLabelKeys=6:[]',
  WeightedPodAffinityTerm: 'weight=1:!int podAffinityTerm=2:!PodAffinityTerm',
  PodSecurityContext: `seLinuxOptions=1:*SELinuxOptions windowsOptions=8:*WindowsSecurityContextOptions runAsUser=2:*int runAsGroup=6:*int
    runAsNonRoot=3:*bool supplementalGroups=4:[]int supplementalGroupsPolicy=12:* fsGroup=5:*int sysctls=7:[]Sysctl fsGroupChangePolicy=9:*
    seccompProfile=10:*SeccompProfile appArmorProfile=11:*AppArmorProfile seLinuxChangePolicy=13:*`,
  SecurityContext: `capabilities=1:*Capabilities privileged=2:*bool seLinuxOptions=3:*SELinuxOptions windowsOptions=10:*WindowsSecurityContextOptions
    runAsUser=4:*int runAsGroup=8:*int runAsNonRoot=5:*bool readOnlyRootFilesystem=6:*bool allowPrivilegeEscalation=7:*bool
    procMount=9:* seccompProfile=11:*SeccompProfile appArmorProfile=12:*AppArmorProfile`,
  Capabilities: 'add=1:[] drop=2:[]',
  SELinuxOptions: 'user=1 role=2 type=3 level=4',
  WindowsSecurityContextOptions: 'gmsaCredentialSpecName=1:* gmsaCredentialSpec=2:* runAsUserName=3:* hostProcess=4:*bool',
  SeccompProfile: 'type=1:! localhostProfile=2:*',
  AppArmorProfile: 'type=1:! localhostProfile=2:*',
  Sysctl: 'name=1:! value=2:!',
  Container: CONTAINER_FIELDS,
  EphemeralContainer: 'common=1:^EphemeralContainerCommon targetContainerName=2',
  EphemeralContainerCommon: CONTAINER_FIELDS,
  ContainerPort: 'name=1 hostPort=2:int containerPort=3:!int protocol=4 hostIP=5',
  ContainerResizePolicy: 'resourceName=1:! restartPolicy=2:!',
  EnvFromSource: 'prefix=1 configMapRef=2:*ConfigMapEnvSource secretRef=3:*SecretEnvSource',
  ConfigMapEnvSource: 'ref=1:^LocalObjectReference optional=2:*bool',
  SecretEnvSource: 'ref=1:^LocalObjectReference optional=2:*bool',
  EnvVar: 'name=1:! value=2 valueFrom=3:*EnvVarSource',
  EnvVarSource: 'fieldRef=1:*ObjectFieldSelector resourceFieldRef=2:*ResourceFieldSelector configMapKeyRef=3:*ConfigMapKeySelector secretKeyRef=4:*SecretKeySelector',
  ObjectFieldSelector: 'apiVersion=1 fieldPath=2:!',
  ResourceFieldSelector: 'containerName=1 resource=2:! divisor=3:Quantity',
  ConfigMapKeySelector: 'ref=1:^LocalObjectReference key=2:! optional=3:*bool',
  SecretKeySelector: 'ref=1:^LocalObjectReference key=2:! optional=3:*bool',
  ResourceRequirements: 'limits=1:map<Quantity> requests=2:map<Quantity> claims=3:[]ResourceClaim',
  ResourceClaim: 'name=1:! request=2',
  VolumeMount: 'name=1:! readOnly=2:bool recursiveReadOnly=7:* mountPath=3:! subPath=4 mountPropagation=5:* subPathExpr=6',
  VolumeDevice: 'name=1:! devicePath=2:!',
  Probe: `handler=1:^ProbeHandler initialDelaySeconds=2:int timeoutSeconds=3:int periodSeconds=4:int successThreshold=5:int
    failureThreshold=6:int terminationGracePeriodSeconds=7:*int`,
  ProbeHandler: 'exec=1:*ExecAction httpGet=2:*HTTPGetAction tcpSocket=3:*TCPSocketAction grpc=4:*GRPCAction',
  ExecAction: 'command=1:[]',
  HTTPGetAction: 'path=1 port=2:!IntOrString host=3 scheme=4 httpHeaders=5:[]HTTPHeader',
  HTTPHeader: 'name=1:! value=2:!',
  TCPSocketAction: 'port=1:!IntOrString host=2',
  GRPCAction: 'port=1:!int service=2:*',
  Lifecycle: 'postStart=1:*LifecycleHandler preStop=2:*LifecycleHandler stopSignal=3:*',
  LifecycleHandler: 'exec=1:*ExecAction httpGet=2:*HTTPGetAction tcpSocket=3:*TCPSocketAction sleep=4:*SleepAction',
  SleepAction: 'seconds=1:!int',
  Volume: 'name=1:! source=2:^VolumeSource',
  VolumeSource: `hostPath=1:*HostPathVolumeSource emptyDir=2:*EmptyDirVolumeSource secret=6:*SecretVolumeSource nfs=7:*NFSVolumeSource
    persistentVolumeClaim=10:*PersistentVolumeClaimVolumeSource downwardAPI=16:*DownwardAPIVolumeSource configMap=19:*ConfigMapVolumeSource
    projected=26:*ProjectedVolumeSource`,
  HostPathVolumeSource: 'path=1:! type=2:*',
  EmptyDirVolumeSource: 'medium=1 sizeLimit=2:*Quantity',
  SecretVolumeSource: 'secretName=1 items=2:[]KeyToPath defaultMode=3:*int optional=4:*bool',
  NFSVolumeSource: 'server=1:! path=2:! readOnly=3:bool',
  PersistentVolumeClaimVolumeSource: 'claimName=1:! readOnly=2:bool',
  DownwardAPIVolumeSource: 'items=1:[]DownwardAPIVolumeFile defaultMode=2:*int',
  DownwardAPIVolumeFile: 'path=1:! fieldRef=2:*ObjectFieldSelector resourceFieldRef=3:*ResourceFieldSelector mode=4:*int',
  ConfigMapVolumeSource: 'ref=1:^LocalObjectReference items=2:[]KeyToPath defaultMode=3:*int optional=4:*bool',
  KeyToPath: 'key=1:! path=2:! mode=3:*int',
  ProjectedVolumeSource: 'sources=1:[]VolumeProjection defaultMode=2:*int',
  VolumeProjection: 'secret=1:*SecretProjection downwardAPI=2:*DownwardAPIProjection configMap=3:*ConfigMapProjection serviceAccountToken=4:*ServiceAccountTokenProjection',
  SecretProjection: 'ref=1:^LocalObjectReference items=2:[]KeyToPath optional=4:*bool',
  ConfigMapProjection: 'ref=1:^LocalObjectReference items=2:[]KeyToPath optional=4:*bool',
  DownwardAPIProjection: 'items=1:[]DownwardAPIVolumeFile',
  ServiceAccountTokenProjection: 'audience=1 expirationSeconds=2:*int path=3:!',
};
