// The real kubectl 1.32 explains built-in kinds from these OpenAPI v3 documents, served by a small
// loopback server with just the discovery and /openapi/v3 endpoints it reads.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_RESOURCES } from '../../../../src/apiserver/authz/review-resources.js';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import { groupVersionOf, groupVersionRoot, openApiV3Document, openApiV3Index } from '../../../../src/apiserver/schema/index.js';

const run = promisify(execFile);
// The review kinds are served beside the registry's, as discovery lists them.
const specs = [...builtinResources(), ...REVIEW_RESOURCES];
const components = builtinSchemas();
const groupVersions = [...new Set(specs.map(groupVersionOf))];

function resourceList(gv: string) {
  const resources = specs
    .filter((s) => groupVersionOf(s) === gv)
    .map((s) => ({ name: s.plural, singularName: s.singular, namespaced: s.namespaced, kind: s.kind, verbs: s.verbs, shortNames: s.shortNames, categories: s.categories }));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

function answer(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = groupVersions.filter((gv) => gv.includes('/')).map((gv) => {
      const [name, version] = gv.split('/') as [string, string];
      return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  if (path === '/openapi/v3') return openApiV3Index(specs, '/openapi/v3', components);
  for (const gv of groupVersions) {
    if (path === `/${groupVersionRoot(gv)}`) return resourceList(gv);
    if (path === `/openapi/v3/${groupVersionRoot(gv)}`) return openApiV3Document(gv, specs, components);
  }
  return undefined;
}

describe('kubectl explain', () => {
  let server: http.Server;
  let dir: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const body = answer(new URL(req.url ?? '/', 'http://localhost').pathname);
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'explain-'));
    const { port } = server.address() as AddressInfo;
    writeFileSync(
      join(dir, 'kubeconfig'),
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:${port}"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const explain = async (...args: string[]) => {
    const env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir };
    const { stdout } = await run('kubectl', ['explain', ...args], { env, timeout: 30_000 });
    return stdout;
  };

  it('explains a pod container port, with types, required fields and enums', async () => {
    const out = await explain('pod.spec.containers.ports');
    expect(out).toContain('KIND:       Pod');
    expect(out).toContain('FIELD: ports <[]ContainerPort>');
    expect(out).toMatch(/containerPort\t<integer> -required-/);
    expect(out).toMatch(/protocol\t<string>\n\s+enum: SCTP, TCP, UDP/);
  });

  it('explains a deployment strategy through its group and short name', async () => {
    const out = await explain('deploy.spec.strategy');
    expect(out).toContain('GROUP:      apps');
    expect(out).toMatch(/rollingUpdate\t<Object>/);
    expect(out).toMatch(/type\t<string>\n\s+enum: Recreate, RollingUpdate/);
  });

  it('explains a review kind, which is create-only', async () => {
    const out = await explain('tokenreview.spec');
    expect(out).toContain('GROUP:      authentication.k8s.io\nKIND:       TokenReview\nVERSION:    v1');
    expect(out).toMatch(/audiences\t<\[\]string>/);
    expect(out).toMatch(/token\t<string>/);
  });

  it("explains a Job's podFailurePolicy rules", async () => {
    const out = await explain('job.spec.podFailurePolicy.rules');
    expect(out).toMatch(/action\t<string> -required-\n\s+enum: Count, FailIndex, FailJob, Ignore/);
    expect(out).toMatch(/onExitCodes\t<PodFailurePolicyOnExitCodesRequirement>/);
  });

  it('lists every field of a kind recursively', async () => {
    const out = await explain('crd', '--recursive');
    expect(out).toContain('KIND:       CustomResourceDefinition');
    expect(out).toMatch(/additionalPrinterColumns\t<\[\]Object>/);
  });
}, 120_000);
