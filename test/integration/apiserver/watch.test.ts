// Watches over HTTPS against `barge apiserver` (with a tiny watch-cache window and frequent bookmarks):
// replay from a resourceVersion, 410 Expired for history the window no longer has, bookmarks,
// sendInitialEvents, Table events with column definitions only in the first, and timeoutSeconds.

import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from './apiserver-process.js';

interface Kubeconfig {
  clusters: { cluster: { 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

describe('watch', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let tls: Pick<RequestOptions, 'ca' | 'cert' | 'key'>;

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints, ['--watch-cache-size=3', '--bookmark-interval=1']);
    const kubeconfig = parse(readFileSync(api.kubeconfig, 'utf8')) as Kubeconfig;
    const data = (b64: string): Buffer => Buffer.from(b64, 'base64');
    tls = {
      ca: data(kubeconfig.clusters[0]!.cluster['certificate-authority-data']),
      cert: data(kubeconfig.users[0]!.user['client-certificate-data']),
      key: data(kubeconfig.users[0]!.user['client-key-data']),
    };
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { method, ...tls, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  /** Opens a watch; its events (parsed lines) arrive in `events`. */
  const watch = (query: string, headers: Record<string, string> = {}) => {
    const events: { type: string; object: Record<string, unknown> & { metadata?: Record<string, unknown> } }[] = [];
    let ended = false;
    let status = 0;
    let buffer = '';
    const req = request(`${api.url}/api/v1/namespaces/default/configmaps?watch=true&${query}`, { ...tls, headers }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as (typeof events)[number]);
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on('end', () => (ended = true));
    });
    req.on('error', () => (ended = true));
    req.end();
    return { events, ended: () => ended, status: () => status, close: () => req.destroy() };
  };

  const configMap = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: value } });

  it('replays from a resourceVersion, answers 410 past the window, and sends bookmarks', async () => {
    const created = JSON.parse((await call('POST', '/api/v1/namespaces/default/configmaps', configMap('w1', '0'))).body) as { metadata: { resourceVersion: string } };
    const start = created.metadata.resourceVersion;
    const replay = watch(`resourceVersion=${start}&allowWatchBookmarks=true`);
    for (let i = 1; i <= 5; i++) await call('PUT', '/api/v1/namespaces/default/configmaps/w1', configMap('w1', String(i)));
    await until('five MODIFIED events', () => replay.events.filter((e) => e.type === 'MODIFIED').length === 5, { timeoutMs: 10_000 });
    expect(replay.events.filter((e) => e.type === 'MODIFIED').map((e) => (e.object['data'] as { v: string }).v)).toEqual(['1', '2', '3', '4', '5']);
    await until('a bookmark', () => replay.events.some((e) => e.type === 'BOOKMARK'), { timeoutMs: 10_000 });
    const bookmark = replay.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    replay.close();

    // Five events later, a window of three no longer reaches back to `start`.
    const expiredWatch = watch(`resourceVersion=${start}`);
    await until('the watch to end', () => expiredWatch.ended(), { timeoutMs: 10_000 });
    expect(expiredWatch.status()).toBe(200);
    expect(expiredWatch.events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) }) },
    ]);
  });

  it('sends the current state first with sendInitialEvents, marked done by a bookmark', async () => {
    const w = watch('sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=');
    await until('the initial-events-end bookmark', () => w.events.some((e) => e.type === 'BOOKMARK'), { timeoutMs: 10_000 });
    expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w1' } } });
    expect(w.events.find((e) => e.type === 'BOOKMARK')!.object.metadata).toMatchObject({ annotations: { 'k8s.io/initial-events-end': 'true' } });
    w.close();
  });

  it('wraps events in Tables (column definitions only in the first) and ends at timeoutSeconds', async () => {
    const w = watch('timeoutSeconds=2', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    await until('the initial event', () => w.events.length === 1, { timeoutMs: 10_000 });
    await call('POST', '/api/v1/namespaces/default/configmaps', configMap('w2', '0'));
    await until('the second event', () => w.events.length === 2, { timeoutMs: 10_000 });
    const [first, second] = w.events;
    expect(first!.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [{ cells: ['w1', 1, expect.any(String)] }] });
    expect((first!.object['columnDefinitions'] as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(second).toMatchObject({ type: 'ADDED', object: { kind: 'Table', columnDefinitions: null, rows: [{ cells: ['w2', 1, expect.any(String)] }] } });
    await until('the watch to time out', () => w.ended(), { timeoutMs: 10_000 });
  });
});
