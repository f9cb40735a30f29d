// Differential: bargectl against etcdctl 3.4 on the same cluster, for the global flags, put, get, del,
// txn, compaction and version, in every output format. Reads compare byte for byte; writes go to
// distinct keys (etcdctl's `we/…`, bargectl's `wb/…`) and compare with revisions masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { both, mask, maskRevisions, pool, runTool, transcript, type Seen } from './ctl-harness.js';

let barge: ProcessCluster;
let etcd: ProcessCluster;
const FORMATS = ['simple', 'json', 'fields', 'table'];

/** Whether a watch's output in format `w` (simple, json or fields) holds the whole delete of wt/a, with its previous value. */
function showsDelete(w: string, stdout: string): boolean {
  if (w === 'simple') return stdout.includes('DELETE\nwt/a\n1 again\nwt/a\n\n');
  // One line per response.
  if (w === 'json') return stdout.includes('"type":1') && stdout.endsWith('\n');
  const at = stdout.indexOf('"Type" : DELETE');
  return at >= 0 && stdout.slice(at).includes('\n"Lease" : ') && stdout.endsWith('\n');
}

beforeAll(async () => {
  [barge, etcd] = await Promise.all([ProcessCluster.start(3, 'barge'), ProcessCluster.start(1, 'etcd')]);
  for (const cluster of [barge, etcd]) {
    const ep = [cluster.endpoints[0]!];
    cluster.etcdctl(['put', 'ro/a', '1'], ep);
    cluster.etcdctl(['put', 'ro/b', 'two words'], ep);
    cluster.etcdctl(['put', 'ro/a', '1 again'], ep);
    cluster.etcdctl(['put', 'ro/\u00fc\t"q"', '<&>'], ep);
    cluster.etcdctl(['put', 'ro/bin'], ep, '\u0001\u007f\n');
    cluster.etcdctl(['put', 'rp', 'next'], ep);
    cluster.etcdctl(['compaction', '3'], ep);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([barge?.stop(), etcd?.stop()]);
});

function flags(cluster: ProcessCluster): string[] {
  return [`--endpoints=${cluster.endpoints[0]}`];
}

const READS: { args: string[]; input?: string }[] = [
  { args: ['get', 'ro/a'] },
  { args: ['get', 'ro/', '--prefix'] },
  { args: ['get', 'ro/', '--prefix', '--limit', '2'] },
  { args: ['get', 'ro/', '--prefix', '--sort-by=MODIFY', '--order=DESCEND'] },
  { args: ['get', 'ro/', '--prefix', '--sort-by=value', '--order=ascend', '--keys-only'] },
  { args: ['get', 'ro/a', 'ro/c'] },
  { args: ['get', 'ro/b', '--from-key', '--consistency=s'] },
  { args: ['get', '', '--prefix', '--keys-only'] },
  { args: ['get', 'ro/a', '--rev=3'] },
  { args: ['get', 'ro/a', '--rev=0b11'] },
  { args: ['get', 'ro/', '--prefix', '--limit=0x1_0'] },
  { args: ['get', 'nope'] },
  { args: ['get', 'ro/', '--prefix', '--hex'] },
  { args: ['get', 'ro/', '--prefix', '--print-value-only'] },
  { args: ['del', 'nope'] },
  { args: ['txn'], input: 'mod("ro/a") > "0"\nvalue("ro/b") = "two words"\n\nget ro/a\nget ro/ --prefix --limit=1\n\nget nope\n\n' },
  { args: ['txn', '-i'], input: 'version("ro/a") = "1"\n\nget ro/a\n\nget "ro/b" ro/c --keys-only\n\n' },
];

const ERRORS: { args: string[]; input?: string }[] = [
  { args: ['get'] },
  { args: ['get', 'a', '--prefix', '--from-key'] },
  { args: ['get', 'a', 'b', '--prefix'] },
  { args: ['get', 'a', '--sort-by=SIZE'] },
  { args: ['get', 'a', '--consistency=x'] },
  { args: ['get', 'ro/a', '--rev=2'] },
  { args: ['get', 'ro/a', '--rev=999'] },
  { args: ['get', 'ro/a', '-w', 'json', '--print-value-only'] },
  { args: ['get', 'ro/a', '-w', 'xml'] },
  { args: ['get', 'ro/a', '--prefix=maybe'] },
  { args: ['--dial-timeout=soon', 'get', 'ro/a'] },
  { args: ['get', '--rev'] },
  { args: ['get', 'ro/a', '--rev=0x'] },
  { args: ['get', 'ro/a', '--rev=1__0'] },
  { args: ['watch', 'ro/a', '--interactive=maybe'] },
  { args: ['put'] },
  { args: ['put', 'k'] },
  { args: ['put', '', 'v'] },
  { args: ['put', 'k', 'v', '--lease=xyz'] },
  { args: ['put', 'k', 'v', '--lease=1234abcd'] },
  { args: ['put', 'never-there', '--ignore-value'] },
  { args: ['del'] },
  { args: ['compaction'] },
  { args: ['compaction', '2'] },
  { args: ['compaction', '99999'] },
  { args: ['txn', 'extra'] },
  { args: ['txn'], input: 'mod("a") = "x"\n\n\n\n' },
  { args: ['txn'], input: 'size("a") = "1"\n\n\n\n' },
  { args: ['txn'], input: '\nput only-key\n\n\n' },
  { args: ['txn'], input: '\nfrob a b\n\n\n' },
  { args: ['txn'], input: '\nget a\n' },
  { args: ['txn'], input: '\nput dup 1\nput dup 2\n\n\n' },
  { args: ['txn'], input: '\nput "" v\n\n\n' },
  { args: ['version'] },
  { args: ['nosuch'] },
  { args: ['gte', 'a'] },
];

describe('bargectl and etcdctl print the same', () => {
  it('reads, in every output format, against Barge and against etcd', async () => {
    // Every read as simple and json on both servers; fields and table on Barge for every other read.
    const tasks = [barge, etcd].flatMap((cluster) =>
      READS.flatMap(({ args, input }, i) =>
        ['simple', 'json', ...(cluster === barge ? [FORMATS[2 + (i % 2)]!] : [])].map(
          (w) => () => both([...flags(cluster), ...args, '-w', w], { input }).then((pair) => ({ pair, args: [cluster.implementation, ...args, w] })),
        ),
      ),
    );
    const results = await pool(4, tasks);
    for (const { pair, args } of results) {
      expect(transcript(pair.bargectl), args.join(' ')).toBe(transcript(pair.etcdctl));
    }
    // Sanity: the comparisons saw real data.
    expect(results[0]!.pair.bargectl.stdout).toBe('ro/a\n1 again\n');
    // A bound for a machine under a load of 30, where each of these runs takes seconds to start.
  }, 300_000);

  it('argument, flag and server errors, with exit codes', async () => {
    const results = await pool(4, ERRORS.map(({ args, input }) => () => both([...flags(barge), ...args], { input }).then((pair) => ({ pair, args }))));
    for (const { pair, args } of results) {
      // etcdctl prints its usage text on stdout for a bad flag; bargectl does not (yet).
      const stdoutToo = !/^(Error: (invalid argument|flag needs|unknown flag|unknown shorthand))/.test(pair.etcdctl.stderr);
      if (stdoutToo) expect(transcript(pair.bargectl), args.join(' ')).toBe(transcript(pair.etcdctl));
      else expect([pair.bargectl.status, mask(pair.bargectl.stderr)], args.join(' ')).toEqual([pair.etcdctl.status, mask(pair.etcdctl.stderr)]);
    }
    expect(results.map((r) => r.pair.bargectl.status)).toContain(128);
  }, 120_000);

  it('writes on distinct keys: put, del, txn and compaction', async () => {
    const writes: { args: string[]; input?: string }[] = [
      ...FORMATS.map((w) => ({ args: ['put', 'w?/p', `value-${w}`, '--prev-kv', '-w', w] })),
      { args: ['put', 'w?/stdin'], input: 'from stdin\n' },
      { args: ['put', 'w?/p', '--ignore-value', '--prev-kv'] },
      { args: ['put', 'w?/p', 'kept lease', '--ignore-lease'] },
      ...FORMATS.map((w) => ({ args: ['del', 'w?/', '--prefix', '--prev-kv', '-w', w] })),
      { args: ['put', 'w?/t', '0'] },
      ...FORMATS.map((w) => ({ args: ['txn', '-w', w], input: 'mod("w?/t") > "0"\n\nput w?/t 1 --prev-kv\nget w?/t\ndel w?/none\n\nput w?/t 2\n\n' })),
      { args: ['del', 'w?/t', '--from-key'] },
    ];
    for (const { args, input } of writes) {
      const etcdctl = await runTool('etcdctl', [...flags(barge), ...args.map((a) => a.replace('w?', 'we'))], { input: input?.replace(/w\?/g, 'we') });
      const bargectl = await runTool('bargectl', [...flags(barge), ...args.map((a) => a.replace('w?', 'wb'))], { input: input?.replace(/w\?/g, 'wb') });
      const same = (text: string) => maskRevisions(text).replace(/wb/g, 'we').replace(/d2I/g, 'd2U');
      expect(transcript(bargectl, same), args.join(' ')).toBe(transcript(etcdctl, same));
    }
    const check = await both([...flags(barge), 'get', '--prefix', 'w']);
    expect(check.etcdctl.stdout).toBe('');
    const etcdctl = await runTool('etcdctl', [...flags(barge), 'compaction', '--physical', '6']);
    const bargectl = await runTool('bargectl', [...flags(barge), 'compaction', '--physical', '7']);
    expect(etcdctl.stdout).toBe('compacted revision 6\n');
    expect(transcript(bargectl, maskRevisions)).toBe(transcript(etcdctl, maskRevisions));
    expect(bargectl.stdout).toBe('compacted revision 7\n');
  }, 60_000);

  it('global flags: endpoint lists, schemes, the environment, an unreachable cluster', async () => {
    const ep = barge.endpoints[0]!;
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: [`--endpoints=http://${ep}`, 'get', 'ro/a'] },
      { args: [`--endpoints=127.0.0.1:1,${ep}`, 'get', 'ro/a', '-w', 'json'] },
      { args: ['get', 'ro/a'], env: { ETCDCTL_ENDPOINTS: ep, ETCDCTL_WRITE_OUT: 'fields' } },
      { args: ['get', 'ro/a'], env: { ETCDCTL_ENDPOINTS: ep, ETCDCTL_FOO: 'bar' } },
      { args: [`--endpoints=${ep}`, 'get', 'ro/a'], env: { ETCDCTL_ENDPOINTS: ep } },
      { args: ['--endpoints=127.0.0.1:1', '--command-timeout=1s', 'get', 'ro/a'] },
    ];
    const results = await pool(3, cases.map(({ args, env }) => () => both(args, { env })));
    results.forEach((pair, i) => expect(transcript(pair.bargectl), cases[i]!.args.join(' ')).toBe(transcript(pair.etcdctl)));
    expect(results[5]!.bargectl.stderr).toMatch(/Error: context deadline exceeded\n$/);
  }, 60_000);

  it('watch: history from a revision, and a watch the server cancels for compaction', async () => {
    const ep = [barge.endpoints[0]!];
    barge.etcdctl(['put', 'wt/a', '1'], ep);
    barge.etcdctl(['put', 'wt/a', '1 again'], ep);
    barge.etcdctl(['del', 'wt/a'], ep);
    const rev = Number(/"revision":(\d+)/.exec(barge.etcdctl(['get', 'wt/a', '-w', 'json'], ep).stdout)![1]) - 2;
    const cases = FORMATS.slice(0, 3).flatMap((w) => [
      // A watch never ends by itself: this one is stopped once it has printed the last event, the delete.
      { args: [...flags(barge), 'watch', 'wt/', '--prefix', `--rev=${rev}`, '--prev-kv', '-w', w], stopWhen: (seen: Seen) => showsDelete(w, seen.stdout) },
      { args: [...flags(barge), 'watch', 'ro/a', '--rev=2', '-w', w] },
    ]);
    const results = await pool(3, cases.map(({ args, stopWhen }) => () => both(args, { stopWhen })));
    results.forEach((pair, i) => {
      for (const run of [pair.etcdctl, pair.bargectl]) expect(run.timedOut, `${cases[i]!.args.join(' ')}: ran into its time bound`).toBeUndefined();
      expect(transcript(pair.bargectl), cases[i]!.args.join(' ')).toBe(transcript(pair.etcdctl));
    });
    expect(results[0]!.bargectl.stdout).toBe('PUT\nwt/a\n1\nPUT\nwt/a\n1\nwt/a\n1 again\nDELETE\nwt/a\n1 again\nwt/a\n\n');
    expect(results[1]!.bargectl.status).toBe(5);
  }, 60_000);
});
