// The apiserver's patch mechanisms and field ownership: pure functions over plain JSON objects.
// Failures are PatchErrors carrying the HTTP code, Status reason, message (and details) kube-apiserver answers.
export { PatchError, type PatchErrorCause, type PatchErrorDetails, type PatchErrorReason } from './patch-error.js';
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { serverSideApply, type ServerSideApplyInput, type ForcedConflict } from './server-side-apply.js';
export { trackManagedFields, managerOrUserAgent, type TrackManagedFieldsInput } from './track-managed-fields.js';
export { parseApplyPatchBody } from './apply-body.js';
export type { ManagedFieldsEntry } from './managed-fields.js';
export type { IgnoredFields } from './ownership.js';
