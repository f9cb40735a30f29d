// The conditions the namespace controller keeps on a Terminating namespace (namespace deletion's
// status_condition_utils.go): each type True with the failure, or False with its "ok" reason and message.

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const DISCOVERY_FAILURE = 'NamespaceDeletionDiscoveryFailure';
export const GROUP_VERSION_PARSING_FAILURE = 'NamespaceDeletionGroupVersionParsingFailure';
export const CONTENT_FAILURE = 'NamespaceDeletionContentFailure';
export const CONTENT_REMAINING = 'NamespaceContentRemaining';
export const FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining';

const OK: Record<string, { reason: string; message: string }> = {
  [DISCOVERY_FAILURE]: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  [GROUP_VERSION_PARSING_FAILURE]: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  [CONTENT_FAILURE]: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  [CONTENT_REMAINING]: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  [FINALIZERS_REMAINING]: { reason: 'ContentRemoved', message: 'All content successfully removed' },
};

/** What one pass over the namespace's content found. */
export interface DeletionOutcome {
  /** "group/version: error" for each group version discovery could not read. */
  discoveryFailures: string[];
  /** One message per resource whose content could not be deleted. */
  contentErrors: string[];
  /** "pods." (resource.group) → instances left. */
  remaining: Map<string, number>;
  /** Finalizer → instances it still holds. */
  finalizers: Map<string, number>;
}

function failing(type: string, reason: string, message: string, now: string): NamespaceCondition {
  return { type, status: 'True', lastTransitionTime: now, reason, message };
}

/** The conditions the outcome calls for: only the failing ones (the others take their ok variant). */
export function failedConditions(outcome: DeletionOutcome, now: string): NamespaceCondition[] {
  const found: NamespaceCondition[] = [];
  if (outcome.discoveryFailures.length > 0) {
    // client-go's ErrGroupDiscoveryFailed, inside the controller's count.
    const failures = [...outcome.discoveryFailures].sort();
    const message = `Discovery failed for some groups, ${failures.length} failing: unable to retrieve the complete list of server APIs: ${failures.join(', ')}`;
    found.push(failing(DISCOVERY_FAILURE, 'DiscoveryFailed', message, now));
  }
  if (outcome.remaining.size > 0) {
    const parts = [...outcome.remaining].map(([resource, count]) => `${resource} has ${count} resource instances`).sort();
    found.push(failing(CONTENT_REMAINING, 'SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`, now));
  }
  if (outcome.finalizers.size > 0) {
    const parts = [...outcome.finalizers].map(([finalizer, count]) => `${finalizer} in ${count} resource instances`).sort();
    found.push(failing(FINALIZERS_REMAINING, 'SomeFinalizerRemain', `Some finalizers are remaining: ${parts.join(', ')}`, now));
  }
  if (outcome.contentErrors.length > 0) {
    const messages = [...outcome.contentErrors].sort();
    const message = `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`;
    found.push(failing(CONTENT_FAILURE, 'ContentDeletionFailed', message, now));
  }
  return found;
}

/**
 * Sets every controller-owned condition type on `conditions` (in place): the failing one if given, else
 * the ok one; the transition time moves only when the status does. True when anything changed.
 */
export function updateConditions(conditions: NamespaceCondition[], failed: NamespaceCondition[], now: string): boolean {
  let changed = false;
  for (const type of Object.keys(OK)) {
    const wanted = failed.find((condition) => condition.type === type) ?? { type, status: 'False' as const, lastTransitionTime: now, ...OK[type]! };
    const old = conditions.find((condition) => condition.type === type);
    if (!old) {
      conditions.push(wanted);
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      if (old.status !== wanted.status) old.lastTransitionTime = now;
      Object.assign(old, { status: wanted.status, reason: wanted.reason, message: wanted.message });
      changed = true;
    }
  }
  return changed;
}
