// The slice of the batch/v1 Job shape the Job and CronJob controllers read and write.

import type { KubeObject, LabelSelector } from '../../client/kube/index.js';
import type { PodTemplate } from '../shared/types.js';
import type { PodFailurePolicy } from './pod-failure-policy.js';
import type { SuccessPolicy } from './success-policy.js';

export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  /** Pods being deleted that have not finished yet. */
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  /** Indexes failed for good (backoffLimitPerIndex), as intervals. */
  failedIndexes?: string;
  conditions?: JobCondition[];
  /** Finished pods recorded but not yet in the counters (their finalizer is being removed). */
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface Job extends KubeObject {
  spec: {
    parallelism?: number;
    completions?: number;
    completionMode?: 'NonIndexed' | 'Indexed';
    selector?: LabelSelector;
    backoffLimit?: number;
    backoffLimitPerIndex?: number;
    maxFailedIndexes?: number;
    activeDeadlineSeconds?: number;
    suspend?: boolean;
    podReplacementPolicy?: 'Failed' | 'TerminatingOrFailed';
    /** Who syncs the job; another controller than kube's own (the JobManagedBy gate, on in 1.32). */
    managedBy?: string;
    podFailurePolicy?: PodFailurePolicy;
    successPolicy?: SuccessPolicy;
    template: PodTemplate;
  };
  status?: JobStatus;
}

export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** managedByExternalController: a job another controller syncs is not this one's to touch. */
export const managedElsewhere = (job: Job): boolean => job.spec.managedBy !== undefined && job.spec.managedBy !== JOB_CONTROLLER_NAME;
