// The review kinds the gate answers itself (create-only, never stored), as kube-apiserver lists them
// in discovery: authentication.k8s.io/v1 and authorization.k8s.io/v1 with the verb `create` alone, so
// `kubectl create -f` finds them and `kubectl api-resources` shows them.

import { componentName } from '../schema/dsl.js';
import type { ResourceSpec } from '../schema/types.js';
import { defineResource } from '../resources/define.js';

const review = (group: string, short: string, kind: string, plural: string, namespaced = false): ResourceSpec =>
  defineResource({ group, version: 'v1', kind, plural, namespaced, schemaName: componentName.api(short, 'v1', kind), verbs: ['create'] });

/** In kube's discovery order: by group, then by resource name. */
export const REVIEW_RESOURCES: readonly ResourceSpec[] = [
  review('authentication.k8s.io', 'authentication', 'SelfSubjectReview', 'selfsubjectreviews'),
  review('authentication.k8s.io', 'authentication', 'TokenReview', 'tokenreviews'),
  review('authorization.k8s.io', 'authorization', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true),
  review('authorization.k8s.io', 'authorization', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('authorization.k8s.io', 'authorization', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('authorization.k8s.io', 'authorization', 'SubjectAccessReview', 'subjectaccessreviews'),
];

/** The review kind a create names, if it is one. */
export function reviewResource(group: string, version: string, plural: string): ResourceSpec | undefined {
  return REVIEW_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}
