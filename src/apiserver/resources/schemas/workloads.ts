// apps/v1 Deployment and ReplicaSet, batch/v1 Job and CronJob, autoscaling/v1 Scale, policy/v1 Eviction.
import { bool, componentName, int32, int64, intOrString, kindSchema, labelSelector, list, obj, objectMeta, oneOf, ref, str, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const apps = (kind: string) => componentName.api('apps', 'v1', kind);
const batch = (kind: string) => componentName.api('batch', 'v1', kind);
const template = (what: string) => ref(componentName.core('PodTemplateSpec'), `Template describes the pods that will be created${what}.`, { default: {} });

/** A workload's status condition: type, status, the transition time, reason and message. */
export const condition = (owner: string, extra: Record<string, SchemaNode> = {}) =>
  obj(
    {
      type: str(`Type of ${owner} condition.`),
      status: str('Status of the condition, one of True, False, Unknown.'),
      ...extra,
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: str("The reason for the condition's last transition."),
      message: str('A human readable message indicating details about the transition.'),
    },
    { description: `Describes the state of a ${owner} at a certain point.`, required: ['type', 'status'] },
  );
/** A list of conditions merged on their type. */
export const conditions = (itemName: string, listType: 'map' | 'atomic', description: string) =>
  list(ref(itemName), { description, mergeKey: 'type', strategy: 'merge', listType, ...(listType === 'map' ? { mapKeys: ['type'] } : {}) });

export const workloadSchemas: Record<string, SchemaNode> = {
  [apps('Deployment')]: kindSchema({ group: 'apps', version: 'v1', kind: 'Deployment' }, 'Deployment enables declarative updates for Pods and ReplicaSets.', {
    spec: ref(apps('DeploymentSpec'), 'Specification of the desired behavior of the Deployment.'),
    status: ref(apps('DeploymentStatus'), 'Most recently observed status of the Deployment.'),
  }),
  [apps('DeploymentSpec')]: obj(
    {
      replicas: int32('Number of desired pods. Defaults to 1.'),
      selector: labelSelector("Label selector for pods. It must match the pod template's labels."),
      template: template(''),
      strategy: obj(
        {
          type: oneOf(['Recreate', 'RollingUpdate'], 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
          rollingUpdate: obj(
            {
              maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update (number or percentage). Defaults to 25%.'),
              maxSurge: intOrString('The maximum number of pods that can be scheduled above the desired number of pods (number or percentage). Defaults to 25%.'),
            },
            { description: 'Rolling update config params. Present only if type = RollingUpdate.' },
          ),
        },
        { description: 'The deployment strategy to use to replace existing pods with new ones.', extra: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
      ),
      minReadySeconds: int32('Minimum seconds a new pod must be ready without any container crashing to count as available. Defaults to 0.'),
      revisionHistoryLimit: int32('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int32('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
    },
    { description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.', required: ['selector', 'template'] },
  ),
  [apps('DeploymentStatus')]: obj(
    {
      observedGeneration: int64('The generation observed by the deployment controller.'),
      replicas: int32('Total number of non-terminated pods targeted by this deployment (their labels match the selector).'),
      updatedReplicas: int32('Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      readyReplicas: int32('Number of pods targeted by this Deployment with a Ready Condition.'),
      availableReplicas: int32('Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment.'),
      terminatingReplicas: int32('Number of terminating pods targeted by this deployment.'),
      conditions: conditions(apps('DeploymentCondition'), 'map', "Represents the latest available observations of a deployment's current state."),
      collisionCount: int32('Count of hash collisions for the Deployment, used to avoid them in ReplicaSet names.'),
    },
    { description: 'DeploymentStatus is the most recently observed status of the Deployment.' },
  ),
  [apps('DeploymentCondition')]: condition('deployment', { lastUpdateTime: time('The last time this condition was updated.') }),
  [apps('ReplicaSet')]: kindSchema({ group: 'apps', version: 'v1', kind: 'ReplicaSet' }, 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
    spec: ref(apps('ReplicaSetSpec'), 'Spec defines the specification of the desired behavior of the ReplicaSet.'),
    status: ref(apps('ReplicaSetStatus'), 'Status is the most recently observed status of the ReplicaSet.'),
  }),
  [apps('ReplicaSetSpec')]: obj(
    {
      replicas: int32('The number of desired pods. Defaults to 1.'),
      minReadySeconds: int32('Minimum seconds a new pod must be ready without any container crashing to count as available. Defaults to 0.'),
      selector: labelSelector('A label query over pods that should match the replica count. It must match the pod template\'s labels.'),
      template: template(' if insufficient replicas are detected'),
    },
    { description: 'ReplicaSetSpec is the specification of a ReplicaSet.', required: ['selector'] },
  ),
  [apps('ReplicaSetStatus')]: obj(
    {
      replicas: int32('The most recently observed number of non-terminating pods.'),
      fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template.'),
      readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds).'),
      terminatingReplicas: int32('The number of terminating pods for this replica set.'),
      observedGeneration: int64('The generation of the most recently observed ReplicaSet.'),
      conditions: conditions(apps('ReplicaSetCondition'), 'map', "Represents the latest available observations of a replica set's current state."),
    },
    { description: 'ReplicaSetStatus represents the current status of a ReplicaSet.', required: ['replicas'] },
  ),
  [apps('ReplicaSetCondition')]: condition('replica set'),
  [batch('Job')]: kindSchema({ group: 'batch', version: 'v1', kind: 'Job' }, 'Job represents the configuration of a single job.', {
    spec: ref(batch('JobSpec'), 'Specification of the desired behavior of a job.'),
    status: ref(batch('JobStatus'), 'Current status of a job.'),
  }),
  [batch('JobSpec')]: obj(
    {
      parallelism: int32('The maximum desired number of pods the job should run at any given time. Defaults to 1.'),
      completions: int32('The desired number of successfully finished pods the job should be run with. Defaults to 1.'),
      activeDeadlineSeconds: int64('Seconds relative to the startTime that the job may be continuously active before the system tries to terminate it.'),
      podFailurePolicy: ref(batch('PodFailurePolicy'), 'Specifies the policy of handling failed pods.'),
      successPolicy: ref(batch('SuccessPolicy'), 'successPolicy specifies the policy when the Job can be declared as succeeded.'),
      backoffLimit: int32('The number of retries before marking this job failed. Defaults to 6.'),
      backoffLimitPerIndex: int32('The limit for the number of retries within an index before marking this index as failed.'),
      maxFailedIndexes: int32('The maximal number of failed indexes before marking the Job as failed.'),
      selector: labelSelector('A label query over pods that should match the pod count. Normally the system sets this field for you.'),
      manualSelector: bool('Controls generation of pod labels and pod selectors; leave unset unless you are certain.'),
      template: template(' when executing a job'),
      ttlSecondsAfterFinished: int32('Limits the lifetime of a Job that has finished execution (Complete or Failed).'),
      completionMode: oneOf(['Indexed', 'NonIndexed'], 'How Pod completions are tracked: NonIndexed (default) or Indexed.'),
      suspend: bool('Whether the Job controller should create Pods or not. Defaults to false.'),
      podReplacementPolicy: oneOf(['Failed', 'TerminatingOrFailed'], 'When to create replacement Pods.'),
      managedBy: str('The controller which manages the Job.'),
    },
    { description: 'JobSpec describes how the job execution will look like.', required: ['template'] },
  ),
  [batch('JobStatus')]: obj(
    {
      conditions: conditions(batch('JobCondition'), 'atomic', "The latest available observations of an object's current state."),
      startTime: time('When the Job controller started processing the job.'),
      completionTime: time('When the job was completed.'),
      active: int32('The number of pending and running pods which are not terminating.'),
      succeeded: int32('The number of pods which reached phase Succeeded.'),
      failed: int32('The number of pods which reached phase Failed.'),
      terminating: int32('The number of pods which are terminating.'),
      completedIndexes: str('Completed indexes when completionMode is Indexed, in text format.'),
      failedIndexes: str('Failed indexes when backoffLimitPerIndex is set.'),
      uncountedTerminatedPods: obj(
        { succeeded: list(str(), { listType: 'set', description: 'UIDs of succeeded pods.' }), failed: list(str(), { listType: 'set', description: 'UIDs of failed pods.' }) },
        { description: 'UIDs of terminated pods the controller has not yet accounted for in the status counters.' },
      ),
      ready: int32('The number of active pods which have a Ready condition and are not terminating.'),
    },
    { description: 'JobStatus represents the current state of a Job.' },
  ),
  [batch('JobCondition')]: condition('job', { lastProbeTime: time('Last time the condition was checked.') }),
  [batch('PodFailurePolicy')]: obj(
    { rules: list(ref(batch('PodFailurePolicyRule')), { listType: 'atomic', description: 'A list of pod failure policy rules. The rules are evaluated in order.' }) },
    { description: 'PodFailurePolicy describes how failed pods influence the backoffLimit.', required: ['rules'] },
  ),
  [batch('PodFailurePolicyRule')]: obj(
    {
      action: oneOf(['Count', 'FailIndex', 'FailJob', 'Ignore'], 'Specifies the action taken on a pod failure when the requirements are satisfied.'),
      onExitCodes: ref(batch('PodFailurePolicyOnExitCodesRequirement'), 'Represents the requirement on the container exit codes.'),
      onPodConditions: list(ref(batch('PodFailurePolicyOnPodConditionsPattern')), { listType: 'atomic', description: 'Represents the requirement on the pod conditions.' }),
    },
    { description: 'PodFailurePolicyRule describes how a pod failure is handled when the requirements are met.', required: ['action'] },
  ),
  [batch('PodFailurePolicyOnExitCodesRequirement')]: obj(
    {
      containerName: str('Restricts the check for exit codes to the container with the specified name.'),
      operator: oneOf(['In', 'NotIn'], "Represents the relationship between the container exit code(s) and the specified values."),
      values: list(int32(), { listType: 'set', description: 'Specifies the set of values. Each returned container exit code is checked against this set of values with respect to the operator.' }),
    },
    { description: 'PodFailurePolicyOnExitCodesRequirement describes the requirement for handling a failed pod based on its container exit codes.', required: ['operator', 'values'] },
  ),
  [batch('PodFailurePolicyOnPodConditionsPattern')]: obj(
    { type: str('Specifies the required Pod condition type.'), status: str('Specifies the required Pod condition status.') },
    { description: 'PodFailurePolicyOnPodConditionsPattern describes a pattern for matching an actual pod condition type.', required: ['type', 'status'] },
  ),
  [batch('SuccessPolicy')]: obj(
    { rules: list(ref(batch('SuccessPolicyRule')), { listType: 'atomic', description: 'rules represents the list of alternative rules for the declaring the Jobs as successful before `.status.succeeded >= .spec.completions`.' }) },
    { description: 'SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes.', required: ['rules'] },
  ),
  [batch('SuccessPolicyRule')]: obj(
    {
      succeededIndexes: str('succeededIndexes specifies the set of indexes which need to be contained in the actual set of the succeeded indexes for the Job.'),
      succeededCount: int32('succeededCount specifies the minimal required size of the actual set of the succeeded indexes for the Job.'),
    },
    { description: 'SuccessPolicyRule describes rule for declaring a Job as succeeded. Each rule must have at least one of the "succeededIndexes" or "succeededCount" specified.' },
  ),
  [batch('CronJob')]: kindSchema({ group: 'batch', version: 'v1', kind: 'CronJob' }, 'CronJob represents the configuration of a single cron job.', {
    spec: ref(batch('CronJobSpec'), 'Specification of the desired behavior of a cron job, including the schedule.'),
    status: ref(batch('CronJobStatus'), 'Current status of a cron job.'),
  }),
  [batch('CronJobSpec')]: obj(
    {
      schedule: str('The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      timeZone: str('The time zone name for the given schedule; the kube-controller-manager\'s when not set.'),
      startingDeadlineSeconds: int64('Optional deadline in seconds for starting the job if it misses scheduled time for any reason.'),
      concurrencyPolicy: oneOf(['Allow', 'Forbid', 'Replace'], 'Specifies how to treat concurrent executions of a Job. Defaults to Allow.'),
      suspend: bool('This flag tells the controller to suspend subsequent executions. Defaults to false.'),
      jobTemplate: obj(
        {
          metadata: objectMeta('Standard object\'s metadata of the jobs created from this template.'),
          spec: ref(batch('JobSpec'), 'Specification of the desired behavior of the job.'),
        },
        { description: 'Specifies the job that will be created when executing a CronJob.' },
      ),
      successfulJobsHistoryLimit: int32('The number of successful finished jobs to retain. Defaults to 3.'),
      failedJobsHistoryLimit: int32('The number of failed finished jobs to retain. Defaults to 1.'),
    },
    { description: 'CronJobSpec describes how the job execution will look like and when it will actually run.', required: ['schedule', 'jobTemplate'] },
  ),
  [batch('CronJobStatus')]: obj(
    {
      active: list(ref(componentName.core('ObjectReference')), { description: 'A list of pointers to currently running jobs.', listType: 'atomic' }),
      lastScheduleTime: time('Information when was the last time the job was successfully scheduled.'),
      lastSuccessfulTime: time('Information when was the last time the job successfully completed.'),
    },
    { description: 'CronJobStatus represents the current state of a cron job.' },
  ),
  [componentName.api('autoscaling', 'v1', 'Scale')]: kindSchema({ group: 'autoscaling', version: 'v1', kind: 'Scale' }, 'Scale represents a scaling request for a resource.', {
    spec: obj({ replicas: int32('The desired number of instances for the scaled object.') }, { description: 'Defines the behavior of the scale.' }),
    status: obj(
      { replicas: int32('The actual number of observed instances of the scaled object.'), selector: str('Label query over pods that should match the replicas count, in the string form of a label selector.') },
      { description: 'The current status of the scale.', required: ['replicas'] },
    ),
  }),
  [componentName.api('policy', 'v1', 'Eviction')]: kindSchema({ group: 'policy', version: 'v1', kind: 'Eviction' }, 'Eviction evicts a pod from its node subject to certain policies and safety constraints.', {
    deleteOptions: ref(componentName.meta('DeleteOptions'), 'DeleteOptions may be provided.'),
  }),
};
