// Image names as a container runtime reports them: "nginx" → "docker.io/library/nginx:latest", with a
// stable fake digest so imageID looks like containerd's "<repository>@sha256:<hex>".

import { createHash } from 'node:crypto';

export function normalizedImage(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const hasTagOrDigest = image.includes('@') || image.slice(lastSlash + 1).includes(':');
  const withTag = hasTagOrDigest ? image : `${image}:latest`;
  const firstPart = withTag.split('/')[0]!;
  const hasRegistry = withTag.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  if (hasRegistry) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

export function imageId(image: string): string {
  const normalized = normalizedImage(image);
  const repository = normalized.replace(/(@.*|:[^/:]*)$/, '');
  return `${repository}@sha256:${createHash('sha256').update(normalized).digest('hex')}`;
}

/** A plausible, stable image size in bytes for the Pulled event. */
export function imageSizeBytes(image: string): number {
  return 2_000_000 + (createHash('sha256').update(image).digest().readUInt32BE(0) % 150_000_000);
}
