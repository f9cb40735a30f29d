// controller.ComputeHash: the pod-template-hash label that names a deployment's ReplicaSet. FNV-32a over
// the template (here its canonical JSON, unset fields left out) and, when set, the collision count as 4 little-endian bytes; the
// decimal digits then spelled in rand.SafeEncodeString's alphabet (no vowels, no 0/1/3, so no words).

import { semanticJson } from '../shared/canonical-json.js';
import type { PodTemplate } from '../shared/types.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function safeEncodeString(text: string): string {
  let encoded = '';
  for (let i = 0; i < text.length; i++) encoded += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return encoded;
}

export function computeHash(template: PodTemplate, collisionCount?: number): string {
  let hash = fnv32a(Buffer.from(semanticJson(template), 'utf8'));
  if (collisionCount !== undefined) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(collisionCount >>> 0);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}

/** EqualIgnoreHash: the templates are equal once the pod-template-hash label is left out of both. */
export function equalIgnoreHash(a: PodTemplate, b: PodTemplate): boolean {
  const strip = (template: PodTemplate): PodTemplate => {
    const labels = { ...(template.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    const metadata = { ...(template.metadata ?? {}), labels: Object.keys(labels).length ? labels : undefined };
    return { ...template, metadata };
  };
  return semanticJson(strip(a)) === semanticJson(strip(b));
}
