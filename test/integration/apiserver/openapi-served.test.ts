// /openapi as the real kubectl reads it from a running apiserver: every kind its discovery names has a
// schema in the group-version's v3 document (walked over HTTP, so the next kind added to discovery
// cannot be forgotten), and the review kinds work through it: `kubectl explain tokenreview`, and
// `kubectl create -f` with validation on, which checks their fields client-side against /openapi/v2.

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiserverOnBarge } from './apiserver-process.js';

type Gvk = { group: string; version: string; kind: string };
interface DiscoveryList {
  items: { metadata: { name?: string }; versions: { version: string; resources: { resource: string; responseKind: Gvk; subresources?: { responseKind: Gvk }[] }[] }[] }[];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const dir = mkdtempSync(join(tmpdir(), 'openapi-served-'));

describe('/openapi of a running apiserver', () => {
  const env = apiserverOnBarge();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const getJson = async <T>(path: string, accept = 'application/json'): Promise<T> => {
    const answer = await env.api.request('GET', path, { Accept: accept });
    expect(answer.status, path).toBe(200);
    return JSON.parse(answer.body.toString()) as T;
  };

  it('has a schema for every kind discovery names, in its group-version document', async () => {
    const index = await getJson<{ paths: Record<string, { serverRelativeURL: string }> }>('/openapi/v3');
    const missing: string[] = [];
    let checked = 0;
    for (const [root, legacy] of [['/api', true], ['/apis', false]] as const) {
      const discovery = await getJson<DiscoveryList>(root, AGGREGATED);
      for (const group of discovery.items) {
        for (const { version, resources } of group.versions) {
          const gvRoot = legacy ? `api/${version}` : `apis/${group.metadata.name}/${version}`;
          expect(index.paths[gvRoot], gvRoot).toBeDefined();
          const document = await getJson<{ components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: Gvk[] }> } }>(index.paths[gvRoot]!.serverRelativeURL);
          const kinds = resources.flatMap((r) => [r.responseKind, ...(r.subresources ?? []).map((s) => s.responseKind)]);
          for (const gvk of kinds) {
            checked++;
            const found = Object.values(document.components.schemas).some((s) => (s['x-kubernetes-group-version-kind'] ?? []).some((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind));
            if (!found) missing.push(`${gvRoot}: ${JSON.stringify(gvk)}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('kubectl explains the review kinds', () => {
    const explained = env.api.kubectl(['explain', 'tokenreview.spec']);
    expect(explained.stderr).toBe('');
    expect(explained.stdout).toContain('GROUP:      authentication.k8s.io\nKIND:       TokenReview\nVERSION:    v1\n');
    expect(explained.stdout).toMatch(/audiences\s+<\[\]string>/);
    expect(explained.stdout).toMatch(/token\s+<string>/);
    const rules = env.api.kubectl(['explain', 'selfsubjectrulesreview.status.resourceRules']);
    expect(rules.stdout).toMatch(/verbs\s+<\[\]string> -required-/);
  });

  it('kubectl create -f with validation checks a review\'s fields against its schema', () => {
    const review = (extra: string): string => `apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec:\n  resourceAttributes: {verb: get, resource: pods${extra}}\n`;
    expect(env.api.kubectl(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], { input: review('') })).toMatchObject({ status: 0, stdout: 'true' });
    // An unknown field is refused by kubectl itself (the reviews have no PATCH, so kubectl cannot
    // leave the check to the server), with the message its schema validation prints.
    const refused = env.api.kubectl(['create', '-f', '-'], { input: review(', colour: blue') });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('unknown field "colour" in io.k8s.api.authorization.v1.ResourceAttributes');
    // kubectl's schema check takes any scalar for a string, but not one for a list.
    const typed = env.api.kubectl(['create', '-f', '-'], { input: `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec: {token: t, audiences: api}\n` });
    expect(typed.status).toBe(1);
    expect(typed.stderr).toContain('ValidationError(TokenReview.spec.audiences): invalid type for io.k8s.api.authentication.v1.TokenReviewSpec.audiences: got "string", expected "array"');
  });
});
