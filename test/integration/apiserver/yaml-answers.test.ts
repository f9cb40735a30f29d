// Answers in YAML (`Accept: application/yaml`), as kube-apiserver serves them: objects, lists, Tables and
// Status errors, written byte for byte as kubectl writes `-o yaml` from the JSON (both go through
// sigs.k8s.io/yaml); a watch has no YAML form (406 naming the stream types). Custom resources are JSON
// and YAML only, so kubectl's protobuf-first clients (1.32, 1.33) still read them and their CRD.

import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

const KUBECTL_DIR = dirname(realpathSync(execFileSync('which', ['kubectl'], { encoding: 'utf8' }).trim()));
const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
const YAML = 'application/yaml';

/** A ConfigMap whose values take every YAML string style: quoted, literal, folded past column 80. */
const TRICKY = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'tricky', labels: { a10: 'x', a2: 'y', tier: 'front' }, annotations: { note: `${'word '.repeat(30)}end` } },
  data: { bool: 'true', number: '1', empty: '', colon: 'a: b', script: '#!/bin/sh\necho hi\n', spaced: 'line  \nnext', tab: 'x\ty', quote: "it's", when: '2026-12-03T01:02:03Z' },
});

describe('YAML answers', () => {
  const env = apiserverOnBarge();
  const raw = (method: string, path: string, headers: Record<string, string>, body = '') => env.api.request(method, path, headers, body);
  const ok = (args: readonly string[], input?: string, version?: string): string => {
    const result = env.api.kubectl(args, { ...(input === undefined ? {} : { input }), ...(version ? { binary: join(KUBECTL_DIR, `kubectl.${version}`) } : {}) });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}\n${env.api.log.slice(-1500)}`);
    return result.stdout;
  };

  it('answers a get in YAML, byte for byte what kubectl prints as -o yaml', async () => {
    ok(['create', '-f', '-'], TRICKY);
    ok(['run', 'web', '--image=nginx:1.27', '--labels=app=web']);
    for (const [path, target] of [['/api/v1/namespaces/default/configmaps/tricky', 'configmap/tricky'], ['/api/v1/namespaces/default/pods/web', 'pod/web'], ['/api/v1/namespaces/default', 'namespace/default']] as const) {
      const answer = await raw('GET', path, { Accept: YAML });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe(YAML);
      expect(answer.body.toString()).toBe(ok(['get', target, '-o', 'yaml', '--show-managed-fields']));
    }
    const text = (await raw('GET', '/api/v1/namespaces/default/configmaps/tricky', { Accept: YAML })).body.toString();
    expect(text).toMatch(/^ {2}bool: "true"$/m);
    expect(text).toMatch(/^ {2}script: \|\n {4}#!\/bin\/sh\n {4}echo hi\n/m);
    expect(text).toMatch(/^ {2}spaced: "line {2}\\nnext"$/m);
  });

  it('answers a list and a Table in YAML, and JSON when JSON comes first', async () => {
    const list = await raw('GET', '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dfront', { Accept: YAML });
    expect(list.headers['content-type']).toBe(YAML);
    const parsed = parse(list.body.toString()) as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: { metadata: { name: string } }[] };
    expect(parsed).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(parsed.items.map((i) => i.metadata.name)).toEqual(['tricky']);
    expect(list.body.toString()).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n {2}data:\n/);

    const table = await raw('GET', '/api/v1/namespaces/default/pods', { Accept: `${YAML};as=Table;v=v1;g=meta.k8s.io` });
    expect(table.headers['content-type']).toBe(YAML);
    const rows = parse(table.body.toString()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(rows.kind).toBe('Table');
    expect(rows.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(rows.rows[0]!.cells.slice(0, 3)).toEqual(['web', '0/1', 'Pending']);

    const json = await raw('GET', '/api/v1/namespaces/default/pods/web', { Accept: `application/json, ${YAML}` });
    expect(json.headers['content-type']).toBe('application/json');
    const preferred = await raw('GET', '/api/v1/namespaces/default/pods/web', { Accept: `application/json;q=0.5, ${YAML}` });
    expect(preferred.headers['content-type']).toBe(YAML);
  });

  it('answers Status errors in YAML', async () => {
    const missing = await raw('GET', '/api/v1/namespaces/default/configmaps/nope', { Accept: YAML });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe(YAML);
    expect(missing.body.toString()).toBe(
      'apiVersion: v1\ncode: 404\ndetails:\n  kind: configmaps\n  name: nope\nkind: Status\nmessage: configmaps "nope" not found\nmetadata: {}\nreason: NotFound\nstatus: Failure\n',
    );
    const exists = await raw('POST', '/api/v1/namespaces/default/configmaps', { Accept: YAML, 'Content-Type': 'application/json' }, TRICKY);
    expect(exists.status).toBe(409);
    expect(parse(exists.body.toString())).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'configmaps "tricky" already exists' });
  });

  it('refuses a YAML watch with 406 naming the stream media types', async () => {
    const watch = await raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', { Accept: YAML });
    expect(watch.status).toBe(406);
    expect(parse(watch.body.toString())).toMatchObject({
      kind: 'Status', code: 406, reason: 'NotAcceptable',
      message: 'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
    });
    const json = await raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', { Accept: 'application/json' });
    expect(json.status).toBe(200);
  });

  it('serves custom resources in YAML and JSON, and kubectl 1.32 and 1.33 (protobuf first) read them and their CRD', async () => {
    ok(['apply', '-f', join(EXAMPLES, 'flyingcube-crd.yaml')]);
    ok(['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=30s']);
    await until('the custom resource to be created', () => env.api.kubectl(['apply', '-f', join(EXAMPLES, 'flyingcube.yaml')]).status === 0, { timeoutMs: 30_000 });
    const cube = await raw('GET', '/apis/ktcloud.io/v1/namespaces/default/flyingcubes/first', { Accept: YAML });
    expect(cube.headers['content-type']).toBe(YAML);
    expect(cube.body.toString()).toBe(ok(['get', 'fc', 'first', '-o', 'yaml', '--show-managed-fields']));
    const cubeWatch = await raw('GET', '/apis/ktcloud.io/v1/namespaces/default/flyingcubes?watch=true', { Accept: YAML });
    expect(parse(cubeWatch.body.toString())).toMatchObject({ code: 406, message: 'only the following media types are accepted: application/json;stream=watch' });

    for (const version of ['1.32', '1.33']) {
      expect(ok(['get', 'fc'], undefined, version)).toMatch(/^NAME\s+DEVELOPER\s+AGE\nfirst\s+alice\s+\d+s\n$/);
      expect(ok(['get', 'fc', 'first', '-o', 'jsonpath={.spec.developer} {.spec.size}'], undefined, version)).toBe('alice 1');
      expect(ok(['describe', 'fc', 'first'], undefined, version)).toMatch(/^Name:\s+first\nNamespace:\s+default\n/);
      expect(ok(['describe', 'crd', 'flyingcubes.ktcloud.io'], undefined, version)).toMatch(/^Name:\s+flyingcubes\.ktcloud\.io\n/);
      const traced = env.api.kubectl(['get', 'crd', 'flyingcubes.ktcloud.io', '-o', 'name', '-v=8'], { binary: join(KUBECTL_DIR, `kubectl.${version}`) });
      expect(traced.stdout).toBe('customresourcedefinition.apiextensions.k8s.io/flyingcubes.ktcloud.io\n');
      expect(traced.stderr).not.toMatch(/Response Status: 406/);
    }
  });
});
