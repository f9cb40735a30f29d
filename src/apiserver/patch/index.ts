// The apiserver's patch mechanisms and field ownership: pure functions over plain JSON objects.
// Failures are PatchErrors carrying the HTTP code, Status reason ('' = Unknown), message and details
// kube-apiserver answers. A write goes: patch (or apply) -> defaults and the endpoint's strategy ->
// trackManagedFields for every non-apply write (create, update, JSON/merge/strategic patch), giving the
// endpoint's reset fields as ignoredFields ([['status']] on a main resource, [['spec']] on /status).
export { PatchError, type PatchErrorCause, type PatchErrorDetails, type PatchErrorReason } from './patch-error.js';
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';
export { serverSideApply, type ServerSideApplyInput, type ForcedConflict } from './server-side-apply.js';
export { trackManagedFields, managerOrUserAgent, type TrackManagedFieldsInput } from './track-managed-fields.js';
export {
  decodePatchBody,
  parseApplyPatchBody,
  unsupportedPatchType,
  BUILTIN_PATCH_TYPES,
  CUSTOM_RESOURCE_PATCH_TYPES,
  JSON_PATCH,
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
  APPLY_PATCH,
} from './patch-body.js';
export type { ManagedFieldsEntry } from './managed-fields.js';
export type { IgnoredFields } from './ownership.js';
