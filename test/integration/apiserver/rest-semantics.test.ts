// The REST API's semantics at the wire, as client libraries see them: kube's Status errors (405, 409
// Conflict and failed preconditions, 413, 400 for malformed bodies, 404 for unknown kinds), dryRun,
// generateName, no-op writes that write nothing, deletecollection, limit/continue pages at one
// revision, resourceVersionMatch, Table includeObject, fieldValidation, namespace lifecycle, and watches
// whose label selector sees objects enter and leave (counted in apiserver_longrunning_requests).

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

type Obj = { kind?: string; metadata: { name: string; uid?: string; resourceVersion?: string; continue?: string; remainingItemCount?: number; generateName?: string }; [k: string]: unknown };

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });

describe('REST semantics', () => {
  const env = apiserverOnBarge();
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const answer = await env.api.request(method, path, { 'Content-Type': 'application/json', Accept: 'application/json', ...headers }, text);
    return { status: answer.status, headers: answer.headers, json: JSON.parse(answer.body.toString() || 'null') as Obj & { items: Obj[]; reason?: string; message?: string; code?: number; rows?: { object?: Obj }[] } };
  };
  const revision = (): number => {
    const status = JSON.parse(env.cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { header: { revision: number } } }[];
    return status[0]!.Status.header.revision;
  };

  it('answers kube\'s Status errors: 405, 404, 400 for malformed bodies, 413, and a stale update\'s 409', async () => {
    const notAllowed = await call('PUT', CONFIGMAPS, configMap('x'));
    expect(notAllowed).toMatchObject({ status: 405, json: { kind: 'Status', reason: 'MethodNotAllowed', code: 405, message: 'the server does not allow this method on the requested resource' } });
    expect(await call('GET', '/api/v1/namespaces/default/widgets')).toMatchObject({ status: 404, json: { reason: 'NotFound', message: 'the server could not find the requested resource' } });
    expect(await call('POST', CONFIGMAPS, '{"metadata": ')).toMatchObject({ status: 400, json: { reason: 'BadRequest', message: "couldn't get version/kind; json parse error: unexpected end of JSON input" } });
    expect(await call('POST', CONFIGMAPS, '{"kind": x}')).toMatchObject({ status: 400, json: { message: "couldn't get version/kind; json parse error: invalid character 'x' looking for beginning of value" } });
    const yaml = await call('POST', CONFIGMAPS, 'metadata: {name: [', { 'Content-Type': 'application/yaml' });
    expect(yaml).toMatchObject({ status: 400, json: { reason: 'BadRequest', message: expect.stringMatching(/^error converting YAML to JSON: /) } });
    const huge = await call('POST', CONFIGMAPS, configMap('huge', {}, { big: 'x'.repeat(3 * 1024 * 1024) }));
    expect(huge).toMatchObject({ status: 413, json: { reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' } });
    expect(env.cluster.etcdctl(['get', '/registry/configmaps/default/huge', '--keys-only']).stdout).toBe('');

    const created = (await call('POST', CONFIGMAPS, configMap('stale'))).json;
    expect((await call('PUT', `${CONFIGMAPS}/stale`, { ...created, data: { a: '2' } })).status).toBe(200);
    const stale = await call('PUT', `${CONFIGMAPS}/stale`, { ...created, data: { a: '3' } });
    expect(stale).toMatchObject({
      status: 409,
      json: { reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again' },
    });
  });

  it('writes nothing for a dry run or a no-op update, names generateName objects, and checks delete preconditions', async () => {
    const before = revision();
    const dry = await call('POST', `${CONFIGMAPS}?dryRun=All`, configMap('dry'));
    expect(dry).toMatchObject({ status: 201, json: { metadata: { name: 'dry', uid: expect.stringMatching(/^[0-9a-f-]{36}$/) } } });
    expect(dry.json.metadata.resourceVersion ?? '').toBe('');
    expect((await call('POST', `${CONFIGMAPS}?dryRun=All`, configMap('stale'))).status).toBe(409);
    expect(revision()).toBe(before);
    expect((await call('GET', `${CONFIGMAPS}/dry`)).status).toBe(404);

    const current = (await call('GET', `${CONFIGMAPS}/stale`)).json;
    const same = await call('PUT', `${CONFIGMAPS}/stale`, current);
    expect(same.status).toBe(200);
    expect(same.json.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
    expect(revision()).toBe(before);

    const generated = await call('POST', CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    expect(generated.status).toBe(201);
    expect(generated.json.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);

    const wrongUid = await call('DELETE', `${CONFIGMAPS}/stale`, { preconditions: { uid: 'not-the-uid' } });
    expect(wrongUid).toMatchObject({
      status: 409,
      json: { reason: 'Conflict', message: `Operation cannot be fulfilled on configmaps "stale": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${current.metadata.uid}` },
    });
    const dryDelete = await call('DELETE', `${CONFIGMAPS}/stale?dryRun=All`);
    expect(dryDelete).toMatchObject({ status: 200, json: { kind: 'Status', status: 'Success', details: { name: 'stale', kind: 'configmaps' } } });
    expect((await call('GET', `${CONFIGMAPS}/stale`)).status).toBe(200);
    expect((await call('DELETE', `${CONFIGMAPS}/stale`, { preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion } })).status).toBe(200);
    expect((await call('GET', `${CONFIGMAPS}/stale`)).status).toBe(404);
  });

  it('pages with limit and continue at one revision, lists at an exact revision, and deletes a selected collection', async () => {
    for (const name of ['p1', 'p2', 'p3']) expect((await call('POST', CONFIGMAPS, configMap(name, { set: 'paged' }))).status).toBe(201);
    const first = (await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged&limit=2`)).json;
    expect(first.items.map((i) => i.metadata.name)).toEqual(['p1', 'p2']);
    expect(first.metadata).toMatchObject({ continue: expect.any(String), remainingItemCount: 1 });
    // Created after the first page: the pages are a snapshot at its revision, so it is not on the next one.
    expect((await call('POST', CONFIGMAPS, configMap('p0', { set: 'paged' }))).status).toBe(201);
    const second = (await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged&limit=2&continue=${encodeURIComponent(first.metadata.continue!)}`)).json;
    expect(second.items.map((i) => i.metadata.name)).toEqual(['p3']);
    expect(second.metadata.continue ?? '').toBe('');
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);

    const exact = (await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged&resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`)).json;
    expect(exact.items.map((i) => i.metadata.name)).toEqual(['p1', 'p2', 'p3']);
    const notOlder = (await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged&resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`)).json;
    expect(notOlder.items.map((i) => i.metadata.name)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(await call('GET', `${CONFIGMAPS}?resourceVersionMatch=Exact`)).toMatchObject({ status: 422, json: { reason: 'Invalid' } });

    const deleted = await call('DELETE', `${CONFIGMAPS}?labelSelector=set%3Dpaged`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.items.map((i) => i.metadata.name).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect((await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged`)).json.items).toEqual([]);
    expect((await call('GET', `${CONFIGMAPS}?labelSelector=set%3Dpaged&resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`)).json.items).toHaveLength(3);
  });

  it('puts the object in Table rows as includeObject asks', async () => {
    expect((await call('POST', CONFIGMAPS, configMap('tabled', { t: 'y' }))).status).toBe(201);
    const table = (include: string) =>
      call('GET', `${CONFIGMAPS}?labelSelector=t%3Dy${include ? `&includeObject=${include}` : ''}`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect((await table('')).json.rows![0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'tabled' } });
    expect((await table('Object')).json.rows![0]!.object).toMatchObject({ kind: 'ConfigMap', data: { a: '1' } });
    expect((await table('None')).json.rows![0]!.object).toBeUndefined();
    expect(await table('Everything')).toMatchObject({ status: 400, json: { message: 'includeObject: Unsupported value: "Everything": supported values: "Metadata", "None", "Object"' } });
  });

  it('checks unknown fields as fieldValidation asks', async () => {
    const body = { ...configMap('fields'), bogus: 1 };
    expect(await call('POST', `${CONFIGMAPS}?fieldValidation=Strict`, body)).toMatchObject({
      status: 400,
      json: { reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"' },
    });
    const warned = await call('POST', `${CONFIGMAPS}?fieldValidation=Warn`, body);
    expect(warned.status).toBe(201);
    expect(warned.headers['warning']).toBe('299 - "unknown field \\"bogus\\""');
    expect(warned.json).not.toHaveProperty('bogus');
    const ignored = await call('PUT', `${CONFIGMAPS}/fields?fieldValidation=Ignore`, { ...warned.json, bogus: 2 });
    expect(ignored.status).toBe(200);
    expect(ignored.headers['warning']).toBeUndefined();
  });

  it('refuses new objects in a terminating namespace', async () => {
    expect((await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } })).status).toBe(201);
    expect((await call('POST', '/api/v1/namespaces/doomed/configmaps', configMap('before'))).status).toBe(201);
    const deleting = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(deleting).toMatchObject({ status: 200, json: { kind: 'Namespace', status: { phase: 'Terminating' } } });
    expect(await call('POST', '/api/v1/namespaces/doomed/configmaps', configMap('after'))).toMatchObject({
      status: 403,
      json: { reason: 'Forbidden', message: 'configmaps "after" is forbidden: unable to create new content in namespace doomed because it is being terminated' },
    });
    expect(await call('POST', '/api/v1/namespaces/nowhere/configmaps', configMap('lost'))).toMatchObject({ status: 404, json: { reason: 'NotFound', message: 'namespaces "nowhere" not found' } });
  });

  it('sees objects enter and leave a label-selected watch', async () => {
    const events: { type: string; name: string; team: string }[] = [];
    let buffer = '';
    let open = false;
    const certs = join(env.api.dir, 'certs');
    const req = request(`${env.api.url}${CONFIGMAPS}?watch=true&labelSelector=team%3Dblue`, {
      ca: readFileSync(join(certs, 'ca.crt')), cert: readFileSync(join(certs, 'admin.crt')), key: readFileSync(join(certs, 'admin.key')),
    }, (res) => {
      // Headers come once the watch is registered with the cache.
      open = true;
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const event = JSON.parse(buffer.slice(0, nl)) as { type: string; object: { metadata: { name: string; labels?: Record<string, string> } } };
          events.push({ type: event.type, name: event.object.metadata.name, team: event.object.metadata.labels?.['team'] ?? '' });
          buffer = buffer.slice(nl + 1);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
    try {
      const label = (team: string) => call('PATCH', `${CONFIGMAPS}/mover`, { metadata: { labels: { team } } }, { 'Content-Type': 'application/merge-patch+json' });
      await until('the watch to open', () => open, { timeoutMs: 10_000 });
      // An open watch counts in kube's gauge of long-running requests.
      expect(env.api.kubectl(['get', '--raw', '/metrics']).stdout).toMatch(
        /^apiserver_longrunning_requests\{verb="WATCH",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver"\} [1-9]\d*$/m,
      );
      expect((await call('POST', CONFIGMAPS, configMap('mover', { team: 'red' }))).status).toBe(201);
      expect((await label('blue')).status).toBe(200);
      expect((await label('green')).status).toBe(200);
      expect((await label('blue')).status).toBe(200);
      expect((await call('DELETE', `${CONFIGMAPS}/mover`)).status).toBe(200);
      await until('four events', () => events.length >= 4, { timeoutMs: 10_000 });
      // Entering the selection is an ADDED; leaving it, as kube's cacher does, a DELETED of the object as it last matched.
      expect(events).toEqual([
        { type: 'ADDED', name: 'mover', team: 'blue' },
        { type: 'DELETED', name: 'mover', team: 'blue' },
        { type: 'ADDED', name: 'mover', team: 'blue' },
        { type: 'DELETED', name: 'mover', team: 'blue' },
      ]);
    } finally {
      req.destroy();
    }
  });
});
