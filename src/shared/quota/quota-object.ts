// What the quota evaluators read of an object: plain JSON with metadata, as the apiserver stores it and
// clients receive it, so that the apiserver's admission and the controller manager count alike.

import type { ObjectMeta } from '../../types/kube-meta.js';

export interface QuotaObject {
  metadata?: ObjectMeta;
  [field: string]: unknown;
}
