// The Kubernetes client library every control-plane component builds on.
//
// From @kubernetes/client-node (1.x, Node 20) we take KubeConfig: contexts, inline and file credentials,
// tokens and exec plugins resolved as kubectl does. The rest is ours, following client-go: its informer
// has no indexes, resync period or bookmarks and stops on errors, its clients are generated per kind (we
// need one client over any ResourceRef, CRDs included), and it has no work queue, event correlator or
// leader election.

export { loadKubeconfig, kubeconfigFromString, type Kubeconfig } from './kubeconfig.js';
export { KubeClient, type KubeClientOptions, type ListOptions, type WatchOptions, type WriteOptions, type PatchOptions, type PatchType, type DeleteOptions } from './client.js';
export type { WatchStream } from './watch-stream.js';
export { Resources, apiVersionOf, collectionPath, objectPath, type ResourceRef } from './resource.js';
export { objectKey, splitKey, controllerOf, type KubeObject, type ObjectMeta, type ObjectList, type OwnerReference, type Status, type WatchEvent, type WatchEventType } from './objects.js';
export { KubeApiError, isNotFound, isAlreadyExists, isConflict, isInvalid, isForbidden, isMethodNotSupported, isResourceExpired } from './api-error.js';
export { InformerFactory, type SharedInformerOptions } from './informer-factory.js';
export { Informer, type InformerOptions, type AddHandler, type UpdateHandler, type DeleteHandler } from './informer.js';
export { Lister, type Selector } from './lister.js';
export { Indexes, type IndexFunc } from './indexed-store.js';
export { labelSelectorMatches, type LabelSelector, type LabelSelectorRequirement } from './label-selector.js';
export { WorkQueue, runWorker, type WorkQueueOptions } from './work-queue.js';
export { ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
export { realClock, sleepOn, type Clock, type TimerHandle } from './clock.js';
export { FakeClock } from './fake-clock.js';
export { EventRecorder, type EventRecorderOptions, type EventType } from './event-recorder.js';
export { EventCorrelator, type CorrelationResult } from './event-correlator.js';
export { metaTime, microTime, type CoreEvent, type ObjectReference } from './core-event.js';
export { runLeaderElection, LeaderElector, LEADER_ELECTION_DEFAULTS, type LeaderElectionConfig, type Lease } from './leader-election.js';
