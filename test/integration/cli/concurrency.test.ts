// Differential: bargectl's lock and elect against etcdctl 3.4's, on a 3-member Barge cluster and on a
// real etcd, the two tools contending with each other for the same locks and elections. Lease ids (in
// every key) and revisions are masked where the two runs legitimately differ; every long-running process
// is killed after a bounded time.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { sleep, until } from '../../support/wait.js';
import { mask, maskRevisions, pool, runTool, startTool, transcript, type LiveRun, type Run } from './ctl-harness.js';

type Tool = 'etcdctl' | 'bargectl';

let barge: ProcessCluster;
let etcd: ProcessCluster;
let scratch: string;

beforeAll(async () => {
  [barge, etcd] = await Promise.all([ProcessCluster.start(3, 'barge'), ProcessCluster.start(1, 'etcd')]);
  scratch = mkdtempSync(join(tmpdir(), 'ctl-lock-'));
}, 60_000);

afterAll(async () => {
  await Promise.all([barge?.stop(), etcd?.stop()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function flags(cluster: ProcessCluster): string[] {
  return [`--endpoints=${cluster.endpoints[0]}`];
}

/** A session's key is `<name>/<lease id in hex>`; the id differs from run to run. */
function maskLeases(text: string): string {
  return maskRevisions(text)
    .replace(/([\w.-]+)\/-?[0-9a-f]{1,16}(?![0-9a-f])/g, '$1/<lease>')
    .replace(/"key":"[^"]*"/g, '"key":"<key>"')
    .replace(/"lease":-?\d+/g, '"lease":<lease>')
    .replace(/"(Lease|Revision)" : -?\d+/g, '"$1" : <n>')
    .replace(/"Key" : "[^"]*"/g, '"Key" : "<key>"')
    .replace(/rev=\d+/g, 'rev=<n>');
}

/** The keys under a prefix, in create order. */
function keysUnder(cluster: ProcessCluster, prefix: string): string[] {
  const out = cluster.etcdctl(['get', prefix, '--prefix', '--keys-only', '--sort-by=CREATE'], [cluster.endpoints[0]!]).stdout;
  return out.split('\n').filter((line) => line !== '');
}

/** Waits until `keysUnder` shows `count` keys (each look runs etcdctl, so not too often). */
function untilKeys(what: string, cluster: ProcessCluster, prefix: string, count: number): Promise<void> {
  return until(what, () => keysUnder(cluster, prefix).length === count, { pollMs: 100 });
}

/** Stops a run with a signal and returns how it ended. */
async function stop(run: LiveRun, signal: NodeJS.Signals = 'SIGINT'): Promise<Run> {
  run.kill(signal);
  return run.done;
}

const CLUSTERS = () => [barge, etcd];
const ORDERS: [Tool, Tool][] = [
  ['etcdctl', 'bargectl'],
  ['bargectl', 'etcdctl'],
];

describe('bargectl lock and elect behave as etcdctl 3.4', () => {
  it('lock: the second locker waits until the first releases; an interrupted waiter leaves no key', async () => {
    const results = await Promise.all(
      CLUSTERS().flatMap((cluster) =>
        ORDERS.map(async ([first, second], i) => {
          const name = `contend-${i}`;
          const holder = startTool(first, [...flags(cluster), 'lock', name]);
          const held = await holder.lines(2);
          expect(held, `${first} on ${cluster.implementation}`).toMatch(new RegExp(`^${name}/[0-9a-f]+\n\n$`));
          expect(keysUnder(cluster, `${name}/`)).toEqual([held.trim()]);

          const waiter = startTool(second, [...flags(cluster), 'lock', name]);
          await untilKeys(`${second} queued on ${name}`, cluster, `${name}/`, 2);
          const quitter = startTool(first, [...flags(cluster), 'lock', name]);
          await untilKeys(`${first} queued on ${name}`, cluster, `${name}/`, 3);
          await sleep(500);
          expect(waiter.stdout()).toBe('');
          expect(quitter.stdout()).toBe('');
          const queued = keysUnder(cluster, `${name}/`);

          // The third in line gives up: it deletes its own key and fails with the cancelled context.
          const quit = await stop(quitter, 'SIGINT');
          expect(keysUnder(cluster, `${name}/`)).toEqual(queued.slice(0, 2));
          expect(waiter.stdout()).toBe('');

          const released = await stop(holder, 'SIGINT');
          const got = await waiter.lines(2);
          expect(got).toBe(`${queued[1]}\n\n`);
          const secondRun = await stop(waiter, 'SIGTERM');
          expect(keysUnder(cluster, `${name}/`)).toEqual([]);
          return { first: released, second: secondRun, quit, tools: [first, second], cluster: cluster.implementation, name };
        }),
      ),
    );
    for (const { first, second, quit, tools, cluster, name } of results) {
      const label = `${tools.join(' then ')} on ${cluster}`;
      expect(transcript(first, maskLeases), label).toBe(`status 0\n--- stdout\n${name}/<lease>\n\n--- stderr\n`);
      expect(transcript(second, maskLeases), label).toBe(transcript(first, maskLeases));
      expect(transcript(quit), label).toBe('status 1\n--- stdout\n--- stderr\nError: context canceled\n');
    }
  }, 90_000);

  it('lock: output formats of the held key, and a format the printer refuses', async () => {
    const cases = [['-w', 'json'], ['-w', 'fields'], ['--hex'], ['-w', 'table']];
    const tasks = CLUSTERS().flatMap((cluster) =>
      cases.map((extra, i) => async () => {
        const runs: Run[] = [];
        for (const tool of ['etcdctl', 'bargectl'] as const) {
          const name = `format-${i}-${tool}`;
          const run = startTool(tool, [...flags(cluster), 'lock', name, ...extra]);
          await run.lines(1);
          // A refused format ends the command at once, the lock left to its lease.
          runs.push(extra[1] === 'table' ? await run.done : await stop(run));
          // Revoke that lease now: its expiry, a minute later, would write a revision during a later test.
          for (const key of keysUnder(cluster, `${name}/`)) cluster.etcdctl(['lease', 'revoke', key.split('/')[1]!], [cluster.endpoints[0]!]);
        }
        return { runs, label: `${cluster.implementation} ${extra.join(' ')}` };
      }),
    );
    for (const { runs, label } of await pool(4, tasks)) {
      const same = (text: string) => maskLeases(text).replace(/format-(\d)-(bargectl|etcdctl)/g, 'format-$1').replace(/(\\x[0-9a-f]{2})+/g, '<hex>');
      expect(transcript(runs[1]!, same), label).toBe(transcript(runs[0]!, same));
      expect(runs[0]!.stdout.length > 0 || runs[0]!.status === 4, label).toBe(true);
    }
  }, 60_000);

  it('lock with a command: the lock variables, the exit status and failures to run it', async () => {
    const plain = join(scratch, 'not-executable');
    writeFileSync(plain, 'echo never\n');
    chmodSync(plain, 0o644);
    const check = (cluster: ProcessCluster) =>
      // The command sees its key held at the revision it was given, and its output passes through.
      `echo "key=$ETCD_LOCK_KEY rev=$ETCD_LOCK_REV"; ` +
      `etcdctl --endpoints=${cluster.endpoints[0]} get "$ETCD_LOCK_KEY" -w fields | grep -q "\\"CreateRevision\\" : $ETCD_LOCK_REV\\$" && echo held; ` +
      'echo to-stderr >&2; exit 3';
    const cases = (cluster: ProcessCluster): { args: string[]; env?: Record<string, string> }[] => [
      { args: ['--', 'sh', '-c', check(cluster)] },
      { args: ['--ttl=0x1e', '--', 'sh', '-c', 'exit 0'] },
      { args: ['no-such-command-anywhere'] },
      { args: [plain] },
      { args: ['--', 'sh', '-c', 'kill -TERM $$'] },
      { args: ['--', 'sh', '-c', 'echo "$ETCD_LOCK_KEY"'], env: { ETCD_LOCK_KEY: 'from-the-caller' } },
    ];
    const tasks = CLUSTERS().flatMap((cluster) =>
      cases(cluster).map(({ args, env }, i) => async () => {
        const runs: Run[] = [];
        for (const tool of ['etcdctl', 'bargectl'] as const) {
          runs.push(await runTool(tool, [...flags(cluster), 'lock', `cmd-${i}`, ...args], { env, timeoutMs: 20_000 }));
          expect(keysUnder(cluster, `cmd-${i}/`), `${tool} released cmd-${i}`).toEqual([]);
        }
        return { runs, label: `${cluster.implementation} ${args.join(' ')}` };
      }),
    );
    const results = await pool(4, tasks);
    for (const { runs, label } of results) expect(transcript(runs[1]!, maskLeases), label).toBe(transcript(runs[0]!, maskLeases));
    const first = results[0]!.runs[1]!;
    expect(first.stdout).toMatch(/^key=cmd-0\/[0-9a-f]+ rev=\d+\nheld\n$/);
    expect(first.stderr).toBe('to-stderr\nError: exit status 3\n');
    expect(first.status).toBe(1);
    expect(results.map((r) => r.runs[1]!.stderr)).toContain('Error: signal: terminated\n');
    expect(results[5]!.runs[1]!.stdout).toBe('from-the-caller\n');
  }, 90_000);

  it('bad usage, bad flags, a TTL the server refuses, an unreachable cluster', async () => {
    const cases: string[][] = [
      ['lock'],
      ['elect'],
      ['elect', 'e'],
      ['elect', 'e', 'p', '-l'],
      ['elect', '-l', 'e', 'p'],
      ['elect', 'e', 'p', 'q'],
      ['lock', '--ttl'],
      ['lock', '--ttl=x', 'l'],
      ['lock', '--ttl=99999999999999999999', 'l'],
      ['elect', '--listen=maybe', 'e'],
      ['lock', 'l', 'sh', '-c', 'true'],
      ['-w', 'xml', 'lock', 'l'],
      ['-w', 'xml', 'elect', 'e'],
      ['-w', 'xml', 'elect', '-l', 'e'],
      ['lock', '--ttl=99999999999', 'l'],
    ];
    const tasks = CLUSTERS().flatMap((cluster) => cases.map((args) => () => pairOf(cluster, args)));
    for (const { pair, args } of await pool(4, tasks)) {
      // etcdctl prints its usage on stdout for a bad flag; bargectl does not.
      const stdoutToo = !/^Error: (invalid argument|flag needs|unknown flag|unknown shorthand)/.test(pair[0].stderr);
      if (stdoutToo) expect(transcript(pair[1]), args.join(' ')).toBe(transcript(pair[0]));
      else expect([pair[1].status, mask(pair[1].stderr)], args.join(' ')).toEqual([pair[0].status, mask(pair[0].stderr)]);
    }
    // Neither gives up on a cluster it cannot reach: both wait for it until killed.
    const unreachable = await Promise.all(
      (['etcdctl', 'bargectl'] as const).flatMap((tool) => [['lock', 'l'], ['elect', '-l', 'e']].map((args) => runTool(tool, ['--endpoints=127.0.0.1:1', ...args], { timeoutMs: 4_000 }))),
    );
    for (const run of unreachable) expect(transcript(run)).toBe('status 137\n--- stdout\n--- stderr\n');
  }, 60_000);

  it('elect: campaigns in turn, interrupted candidates resign, observers print every leader alike', async () => {
    const results = await Promise.all(
      CLUSTERS().map(async (cluster) => {
        const name = 'election';
        const ep = flags(cluster);
        const one = startTool('etcdctl', [...ep, 'elect', name, 'one'], { timeoutMs: 60_000 });
        const leaderOne = await one.lines(2);
        // Simple and JSON observers of each tool; each prints a leader as two lines or one.
        const observers = (['etcdctl', 'bargectl'] as const).flatMap((tool) => [
          { run: startTool(tool, [...ep, 'elect', '-l', name], { timeoutMs: 60_000 }), lines: 2 },
          { run: startTool(tool, [...ep, 'elect', name, '--listen', '-w', 'json'], { timeoutMs: 60_000 }), lines: 1 },
        ]);
        const seen = (leaders: number) => Promise.all(observers.map((o) => o.run.lines(o.lines * leaders)));
        await seen(1);

        const candidate = async (tool: Tool, value: string, count: number) => {
          const run = startTool(tool, [...ep, 'elect', name, value], { timeoutMs: 60_000 });
          await untilKeys(`${value} campaigning`, cluster, `${name}/`, count);
          return run;
        };
        const two = await candidate('bargectl', 'two', 2);
        const three = await candidate('etcdctl', 'three', 3);
        const four = await candidate('bargectl', 'four', 4);
        await sleep(500);
        const queued = keysUnder(cluster, `${name}/`);
        expect(queued[0]).toBe(leaderOne.split('\n')[0]);
        // The leader's key changes value: observers print the update.
        cluster.etcdctl(['put', queued[0]!, 'one again'], [cluster.endpoints[0]!]);
        await seen(2);

        // Candidates interrupted while waiting resign and fail with the cancelled context (the last in line
        // first, so that none is between two reads when interrupted).
        const gaveUp = [await stop(four), await stop(three)];
        expect(keysUnder(cluster, `${name}/`)).toEqual(queued.slice(0, 2));
        expect(two.stdout()).toBe('');

        const firstRun = await stop(one);
        expect(await two.lines(2)).toBe(`${queued[1]}\ntwo\n`);
        await seen(3);
        const secondRun = await stop(two, 'SIGTERM');
        expect(keysUnder(cluster, `${name}/`)).toEqual([]);
        // After a resignation each observer reads who leads now; a campaign starting before a slow observer
        // made that read would reach it by the read (at the new revision) and the others by their watch.
        const letObserversRead = () => sleep(1000);
        await letObserversRead();

        // A campaign with no rival, printed as JSON, by each tool.
        const json: Run[] = [];
        for (const tool of ['etcdctl', 'bargectl'] as const) {
          const run = startTool(tool, [...ep, 'elect', name, `json-${tool}`, '-w', 'json'], { timeoutMs: 60_000 });
          await run.lines(1);
          await seen(4 + json.length);
          json.push(await stop(run));
          await letObserversRead();
        }
        const watched = await Promise.all(observers.map((o) => stop(o.run)));
        return { cluster: cluster.implementation, gaveUp, firstRun, secondRun, json, watched, queued };
      }),
    );
    for (const { cluster, gaveUp, firstRun, secondRun, json, watched, queued } of results) {
      for (const run of gaveUp) expect(transcript(run), cluster).toBe('status 1\n--- stdout\n--- stderr\nError: context canceled\n');
      expect(transcript(firstRun, maskLeases), cluster).toBe('status 0\n--- stdout\nelection/<lease>\none\n--- stderr\n');
      expect(transcript(secondRun, maskLeases), cluster).toBe('status 0\n--- stdout\nelection/<lease>\ntwo\n--- stderr\n');
      const same = (text: string) => maskLeases(text).replace(/"value":"[^"]*"/, '"value":"<v>"');
      expect(transcript(json[1]!, same), cluster).toBe(transcript(json[0]!, same));
      // The observers saw the same leaders at the same revisions: byte for byte alike.
      expect(transcript(watched[2]!), cluster).toBe(transcript(watched[0]!));
      expect(transcript(watched[3]!), cluster).toBe(transcript(watched[1]!));
      const lines = watched[2]!.stdout.split('\n');
      expect(lines.filter((_, i) => i % 2 === 1), cluster).toEqual(['one', 'one again', 'two', 'json-etcdctl', 'json-bargectl']);
      expect(lines.filter((_, i) => i % 2 === 0).slice(0, 3), cluster).toEqual([queued[0], queued[0], queued[1]]);
      // The update keeps the count of the read that found the leader, as the Go client's Observe does.
      expect(watched[3]!.stdout.split('\n')[1], cluster).toMatch(/"count":1\}$/);
    }
  }, 120_000);

  it('a revoked session ends lock and elect with etcdctl error', async () => {
    const tasks = CLUSTERS().flatMap((cluster) =>
      (['etcdctl', 'bargectl'] as const).flatMap((tool) =>
        [['lock', `expire-${tool}`], ['elect', `expire-${tool}`, 'v']].map(async (args) => {
          const run = startTool(tool, [...flags(cluster), ...args], { timeoutMs: 40_000 });
          const key = (await run.lines(1)).split('\n')[0]!;
          cluster.etcdctl(['lease', 'revoke', key.split('/')[1]!], [cluster.endpoints[0]!]);
          // The next keep-alive (a third of the TTL: 10 s for lock, 60 s for elect) finds the lease gone.
          return { run: await run.done, label: `${tool} ${args[0]} on ${cluster.implementation}` };
        }),
      ),
    );
    const results = await Promise.all(tasks);
    for (const { run, label } of results) {
      const expected = label.includes('lock') ? 'Error: session expired\n' : 'Error: elect: session expired\n';
      expect([run.status, run.stderr], label).toEqual([1, expected]);
    }
  }, 60_000);
});

async function pairOf(cluster: ProcessCluster, args: string[]): Promise<{ pair: [Run, Run]; args: string[] }> {
  const etcdctl = await runTool('etcdctl', [...flags(cluster), ...args], { timeoutMs: 10_000 });
  const bargectl = await runTool('bargectl', [...flags(cluster), ...args], { timeoutMs: 10_000 });
  return { pair: [etcdctl, bargectl], args: [cluster.implementation, ...args] };
}
