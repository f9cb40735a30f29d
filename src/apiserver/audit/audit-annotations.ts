// Annotations admission adds to a request's audit event (admission.Attributes.AddAnnotation), such as a
// ValidatingAdmissionPolicy's Audit action: the first value of a key is kept, as kube keeps it.

import type { IncomingMessage } from 'node:http';

const byRequest = new WeakMap<IncomingMessage, Record<string, string>>();

export function addAuditAnnotation(req: IncomingMessage, key: string, value: string): void {
  const annotations = byRequest.get(req) ?? {};
  annotations[key] ??= value;
  byRequest.set(req, annotations);
}

export const auditAnnotationsOf = (req: IncomingMessage): Record<string, string> => byRequest.get(req) ?? {};
