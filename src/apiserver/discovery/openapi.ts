// /openapi/v3 and its per-group-version documents, built from the served resources and their schemas.

import type { ApiContext } from '../context.js';

/** The index: each group-version's document path (404 until the schema builder serves them). */
export function openApiIndex(ctx: ApiContext): Record<string, unknown> {
  void ctx;
  return { paths: {} };
}

/** The document of one group-version (`api/v1`, `apis/apps/v1`), or undefined. */
export function openApiDocument(ctx: ApiContext, groupVersionPath: string): Record<string, unknown> | undefined {
  void ctx;
  void groupVersionPath;
  return undefined;
}
