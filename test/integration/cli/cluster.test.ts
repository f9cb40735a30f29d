// Differential: bargectl against etcdctl 3.4 on one three-member Barge cluster for lease, member,
// endpoint, alarm, defrag and move-leader. Reads compare byte for byte; lease ids, remaining TTLs,
// durations and the ids of members the two add separately are masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ProcessCluster } from '../../support/process-cluster.js';
import { both, mask, pool, runTool, transcript } from './ctl-harness.js';

let barge: ProcessCluster;
let ep: string;
let lease: string;

beforeAll(async () => {
  barge = await ProcessCluster.start(3, 'barge');
  ep = `--endpoints=${barge.endpoints[0]}`;
  lease = /lease ([0-9a-f]+) granted/.exec(barge.etcdctl(['lease', 'grant', '600'], [barge.endpoints[0]!]).stdout)![1]!;
  barge.etcdctl(['put', 'leased', 'v', `--lease=${lease}`], [barge.endpoints[0]!]);
}, 60_000);

afterAll(async () => {
  await barge?.stop();
});

/** Remaining TTLs tick between the two runs, and a duration's width moves table borders; mask them. */
function maskTtl(text: string): string {
  return mask(text)
    .replace(/^([|+].*)$/gm, (row) => row.replace(/ {2,}/g, ' ').replace(/-{2,}/g, '-'))
    .replace(/remaining\(\d+s\)/g, 'remaining(<n>s)')
    .replace(/"ttl":\d+/g, '"ttl":<n>')
    .replace(/"TTL" : \d+/g, '"TTL" : <n>');
}

describe('bargectl and etcdctl print the same', () => {
  it('member, endpoint, alarm and lease reads in every format', async () => {
    const all = `--endpoints=${barge.endpoints.join(',')}`;
    const reads: string[][] = [];
    for (const w of ['simple', 'json', 'fields', 'table']) {
      reads.push([ep, 'member', 'list', '-w', w]);
      reads.push([all, 'endpoint', 'hashkv', '-w', w]);
      reads.push([ep, 'endpoint', 'health', '-w', w]);
      reads.push([ep, 'alarm', 'list', '-w', w]);
      reads.push([ep, 'lease', 'timetolive', lease, '--keys', '-w', w]);
      reads.push([ep, 'lease', 'list', '-w', w]);
      reads.push([ep, 'lease', 'keep-alive', '--once', lease, '-w', w]);
    }
    reads.push(
      [ep, 'lease', 'timetolive', '1234'],
      [ep, 'lease', 'timetolive', '1234', '-w', 'json'],
      [ep, 'lease', 'keep-alive', '--once', '1234'],
      [ep, 'lease', 'keep-alive', '1234'],
      [ep, 'lease', 'revoke', '1234'],
      [ep, 'lease', 'grant'],
      [ep, 'lease', 'grant', '9000000001'],
      [ep, 'lease', 'revoke', 'xyz'],
      [ep, 'member', 'remove', '1234'],
      [ep, 'member', 'remove', 'xyz'],
      [ep, 'member', 'add'],
      [ep, 'member', 'add', 'n', 'http://127.0.0.1:1'],
      [ep, 'member', 'add', 'n', `--peer-urls=${barge.members[1]!.peerUrl}`],
      [ep, 'member', 'update', '1234'],
      [ep, 'member', 'promote', '1234'],
      [ep, 'alarm', 'list', 'x'],
      [ep, 'move-leader'],
      [ep, 'move-leader', '1234'],
      ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'endpoint', 'status'],
    );
    const results = await pool(4, reads.map((args) => () => both(args)));
    results.forEach((pair, i) => expect(transcript(pair.bargectl, maskTtl), reads[i]!.join(' ')).toBe(transcript(pair.etcdctl, maskTtl)));
    expect(results[0]!.bargectl.stdout.split('\n')).toHaveLength(4);
  }, 120_000);

  it('endpoint status, hashkv and health over every member', async () => {
    const all = `--endpoints=${barge.endpoints.join(',')}`;
    for (const w of ['simple', 'json', 'fields', 'table']) {
      const status = await both([all, 'endpoint', 'status', '-w', w]);
      expect(transcript(status.bargectl), w).toBe(transcript(status.etcdctl));
      // etcdctl 3.4 dials a member's URL with its scheme for --cluster, which Barge's transport refuses;
      // bargectl's --cluster output must equal etcdctl's over the same endpoints given without --cluster.
      for (const command of ['status', 'hashkv']) {
        const viaCluster = await runTool('bargectl', [ep, 'endpoint', command, '--cluster', '-w', w]);
        const direct = command === 'status' ? status.etcdctl : await runTool('etcdctl', [all, 'endpoint', command, '-w', w]);
        // --cluster lists members in member-list order: compare the rows as sets.
        const rows = (text: string) =>
          maskTtl(text.replace(/http:\/\//g, ''))
            .replace(/^\[|\]\n$/g, '')
            .split(w === 'json' ? /(?<=\}),(?=\{"Endpoint")/ : '\n')
            .sort()
            .join('\n');
        expect(rows(viaCluster.stdout), `${command} ${w}`).toBe(rows(direct.stdout));
        expect(viaCluster.status).toBe(0);
      }
      // Checks run concurrently and are listed as they finish: compare as sets of lines.
      const health = await both([ep, 'endpoint', 'health', '--cluster', '-w', w]);
      const lines = (text: string) =>
        w === 'json'
          ? JSON.stringify((JSON.parse(mask(text)) as { endpoint: string }[]).sort((a, b) => a.endpoint.localeCompare(b.endpoint)))
          : maskTtl(text).split('\n').sort().join('\n');
      expect(lines(health.bargectl.stderr + health.bargectl.stdout)).toBe(lines(health.etcdctl.stderr + health.etcdctl.stdout));
      expect(health.bargectl.status).toBe(0);
    }
  }, 60_000);

  it('writes: lease grant and revoke, member add, update and remove, defrag, move-leader', async () => {
    // etcdctl prints lease IDs as %016x.
    const hexId = (id: string): string => BigInt(id).toString(16).padStart(16, '0');
    const ids: Record<string, string> = {};
    for (const tool of ['etcdctl', 'bargectl'] as const) {
      const grant = await runTool(tool, [ep, 'lease', 'grant', '100', '-w', 'json']);
      // The ID as printed: a 63-bit number, which JSON.parse would round (and revoke then finds no such lease).
      ids[tool] = /"ID":(\d+)/.exec(grant.stdout)?.[1] ?? '';
    }
    for (const w of ['simple', 'json', 'fields']) {
      const grants = await both([ep, 'lease', 'grant', '30', '-w', w]);
      const masked = (t: string) => mask(t).replace(/\b[0-9a-f]{16}\b|\b\d{17,19}\b/g, '<id>').replace(/"(revision|Revision)"\s?:\s?\d+/g, '"$1":<n>');
      expect(transcript(grants.bargectl, masked)).toBe(transcript(grants.etcdctl, masked));
    }
    const etcdRevoke = await runTool('etcdctl', [ep, 'lease', 'revoke', hexId(ids.etcdctl!)]);
    const bargeRevoke = await runTool('bargectl', [ep, 'lease', 'revoke', hexId(ids.bargectl!)]);
    expect(etcdRevoke.stdout).toBe(`lease ${hexId(ids.etcdctl!)} revoked\n`);
    expect(bargeRevoke.stdout.replace(hexId(ids.bargectl!), 'X')).toBe(etcdRevoke.stdout.replace(hexId(ids.etcdctl!), 'X'));

    // Membership: each tool adds a learner of its own, lists, updates and removes it.
    const shapes: Record<string, string> = {};
    for (const tool of ['etcdctl', 'bargectl'] as const) {
      const peer = `http://127.0.0.1:${await freePort()}`;
      const add = await runTool(tool, [ep, 'member', 'add', `new-${tool}`, `--peer-urls=${peer}`, '--learner']);
      expect(add.status, add.stderr).toBe(0);
      const id = /Member +([0-9a-f]+) added/.exec(add.stdout)![1]!;
      expect(add.stdout.split('\n').slice(1, 3)).toEqual(['', `ETCD_NAME="new-${tool}"`]);
      expect(add.stdout).toContain(`new-${tool}=${peer}`);
      const list = await runTool(tool, [ep, 'member', 'list', '-w', 'table']);
      const update = await runTool(tool, [ep, 'member', 'update', id, `--peer-urls=${peer}`]);
      const remove = await runTool(tool, [ep, 'member', 'remove', id]);
      shapes[tool] = [add, list, update, remove]
        .map((r) => transcript(r))
        .join('\n')
        .replaceAll(id, '<id>')
        .replaceAll(peer, '<peer>')
        .replaceAll(`new-${tool}`, '<name>')
        .replace(/[-+]+\n/g, '')
        .replace(/ {2,}/g, ' ')
        .replace(/ETCD_INITIAL_CLUSTER="([^"]*)"/, (_m, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`)
        .split('\n')
        .sort()
        .join('\n');
    }
    expect(shapes.bargectl).toBe(shapes.etcdctl);

    const defrag = await both([`--endpoints=${barge.endpoints.join(',')}`, 'defrag']);
    expect(transcript(defrag.bargectl)).toBe(transcript(defrag.etcdctl));

    // Leadership goes to a follower with etcdctl and back with bargectl.
    const leader = barge.leader();
    const rows = barge.etcdctl(['member', 'list']).stdout.trim().split('\n').map((row) => row.split(', '));
    const hex = (name: string) => rows.find((r) => r[2] === name)![0]!;
    const follower = barge.members.find((m) => m !== leader)!;
    const all = `--endpoints=${barge.endpoints.join(',')}`;
    const there = await runTool('etcdctl', [all, 'move-leader', hex(follower.name)]);
    expect(there.stdout, there.stderr).toBe(`Leadership transferred from ${hex(leader.name)} to ${hex(follower.name)}\n`);
    const back = await runTool('bargectl', [all, 'move-leader', hex(leader.name)]);
    expect(transcript(back)).toBe(transcript({ ...there, stdout: `Leadership transferred from ${hex(follower.name)} to ${hex(leader.name)}\n` }));
  }, 90_000);
});
