// core/v1 ReplicationController: a ReplicaSet's ancestor, selecting with a plain label map and holding its
// template by pointer (so, unlike apps/v1's, an absent template is not defaulted to {}).
import { componentName, int32, int64, kindSchema, map, obj, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';
import { condition, conditions } from './workloads.js';

const core = componentName.core;
const MORE_INFO = 'More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller';

export const replicationControllerSchemas: Record<string, SchemaNode> = {
  [core('ReplicationController')]: kindSchema(
    { group: '', version: 'v1', kind: 'ReplicationController' },
    'ReplicationController represents the configuration of a replication controller.',
    {
      spec: ref(core('ReplicationControllerSpec'), 'Spec defines the specification of the desired behavior of the replication controller.'),
      status: ref(core('ReplicationControllerStatus'), 'Status is the most recently observed status of the replication controller. This data may be out of date by some window of time.'),
    },
  ),
  [core('ReplicationControllerSpec')]: obj(
    {
      replicas: int32(`Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. ${MORE_INFO}`),
      minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)'),
      selector: {
        ...map(
          str(),
          'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
        ),
        'x-kubernetes-map-type': 'atomic',
      },
      template: ref(
        core('PodTemplateSpec'),
        'Template is the object that describes the pod that will be created if insufficient replicas are detected. This takes precedence over a TemplateRef. The only allowed template.spec.restartPolicy value is "Always". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template',
      ),
    },
    { description: 'ReplicationControllerSpec is the specification of a replication controller.' },
  ),
  [core('ReplicationControllerStatus')]: obj(
    {
      replicas: int32(`Replicas is the most recently observed number of replicas. ${MORE_INFO}`),
      fullyLabeledReplicas: int32('The number of pods that have labels matching the labels of the pod template of the replication controller.'),
      readyReplicas: int32('The number of ready replicas for this replication controller.'),
      availableReplicas: int32('The number of available replicas (ready for at least minReadySeconds) for this replication controller.'),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed replication controller.'),
      conditions: conditions(core('ReplicationControllerCondition'), 'map', "Represents the latest available observations of a replication controller's current state."),
    },
    { description: 'ReplicationControllerStatus represents the current status of a replication controller.', required: ['replicas'] },
  ),
  [core('ReplicationControllerCondition')]: condition('replication controller'),
};
