// Differential: watch running a command per event (`watch … -- cmd args`) and interactive watch (`watch -i`
// reading `watch …` and `progress` lines from stdin), through etcdctl 3.4 and bargectl against etcd and
// against Barge. History (--rev) makes most runs repeatable one after the other; live events are watched
// by both tools at once. A watch never ends by itself: the runs are stopped, or stdin ends them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { both, pool, runTool, transcript, type Run } from './ctl-harness.js';

let etcd: ProcessCluster;
let barge: ProcessCluster;
/** The revision of the first write under w/ on each server. */
const firstRev = new Map<ProcessCluster, number>();

const PRINT_EVENT = 'printf "%s|%s|%s|%s\\n" "$ETCD_WATCH_REVISION" "$ETCD_WATCH_EVENT_TYPE" "$ETCD_WATCH_KEY" "$ETCD_WATCH_VALUE"';
/** The same from an interactive line (whose single quotes etcdctl's argify mangles). */
const PRINT_ENV = 'printenv ETCD_WATCH_REVISION ETCD_WATCH_EVENT_TYPE ETCD_WATCH_KEY ETCD_WATCH_VALUE';
/** Long enough for either tool to start and print what the first line asks for. */
const START = 2500;
/**
 * How long a watch that never ends by itself runs before it is stopped: the cases start a dozen clients at
 * once, and on two cores a bargectl can take over two seconds to print its first event then.
 */
const ENDLESS_MS = 6000;

beforeAll(async () => {
  [etcd, barge] = await Promise.all([ProcessCluster.start(1, 'etcd'), ProcessCluster.start(1, 'barge')]);
  for (const cluster of [etcd, barge]) {
    const put = cluster.etcdctl(['put', 'w/a', '1', '-w', 'json']);
    firstRev.set(cluster, Number(/"revision":(\d+)/.exec(put.stdout)![1]));
    cluster.etcdctl(['put', 'w/\u00fc"q\\', 'two words\t"x"']);
    cluster.etcdctl(['put', 'w/a', '1 again']);
    cluster.etcdctl(['del', 'w/a']);
    cluster.etcdctl(['put', 'x', 'outside']);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), barge?.stop()]);
});

interface Case {
  readonly args: (rev: number) => string[];
  readonly env?: Record<string, string>;
  /** Interactive input: lines and pauses (ms); stdin ends after it. */
  readonly script?: (rev: number) => (string | number)[];
  /** Stop a run that does not end by itself after this long. */
  readonly timeoutMs?: number;
}

const EXEC: Case[] = [
  { args: (r) => ['watch', 'w/', '--prefix', `--rev=${r}`, '--', 'sh', '-c', PRINT_EVENT], timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', 'w/', '--prefix', `--rev=${r}`, '--prev-kv', '-w', 'json', '--', 'sh', '-c', PRINT_EVENT], timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', `--rev=${r}`, 'w/a', '-w', 'fields', '--', 'echo', 'event:'], timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', 'w/', 'w0', `--rev=${r}`, '--', 'false'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'sh', '-c', 'exit 3'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'sh', '-c', 'kill -TERM $$'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'no-such-command-here', 'a b'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', './no/such/file'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', '/'] },
  { args: (r) => ['watch', '--rev', String(r), '--', 'echo', 'from the environment'], env: { ETCDCTL_WATCH_KEY: 'w/a' }, timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', `--rev=${r}`, '--', 'echo', 'a range'], env: { ETCDCTL_WATCH_KEY: 'w/', ETCDCTL_WATCH_RANGE_END: 'w0' }, timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'echo'], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: (r) => ['watch', `--rev=${r}`], env: { ETCDCTL_WATCH_RANGE_END: 'w0' } },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--'] },
  { args: () => ['watch', '--', 'echo', 'no key'] },
  { args: () => ['watch'] },
  { args: (r) => ['watch', 'w/a', 'w/b', 'w/c', `--rev=${r}`], timeoutMs: ENDLESS_MS },
  { args: (r) => ['watch', 'w/a', 'w/b', '--prefix', `--rev=${r}`] },
];

const INTERACTIVE: Case[] = [
  {
    args: () => ['watch', '-i'],
    script: (r) => [
      `watch w/a --rev=${r}\n`, START,
      '\n   \nget w/a\nwatch\nwatch w/a w/b --prefix\n', 300,
      `watch w/ --prefix --rev=${r} -- ${PRINT_ENV}\n`, 1000,
      'progress\n', 700,
      `watch w/ --prefix --rev=${r} --prev-kv -- echo "two words" end\n`, 700,
    ],
  },
  { args: () => ['watch', '-i', '-w', 'json'], script: (r) => [`watch w/ --prefix --rev=${r}\n`, START, 'progress\n', 700] },
  { args: () => ['watch', '-i'], script: (r) => [`watch --rev=${r} -- echo from the environment\n`, START], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: () => ['watch', '-i'], script: (r) => [`watch w/a --rev=${r} -- echo\n`, START], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: () => ['watch', '-i', 'ignored', '--prefix'], script: (r) => [`watch w/a --rev=${r}\n`, START, 'watch w/a --bogus\n', 300] },
  { args: () => ['watch', '-i'], script: (r) => [`watch w/a --rev=${r} -- false\n`, START] },
  { args: () => ['watch', '-i'], script: () => ['watch w/a --rev=x\nwatch w/a --rev\nwatch w/a -x\n', START] },
  { args: () => ['watch', '-i'], script: () => ['watch w/a --\n', START] },
  { args: () => ['watch', '-i'], script: () => ['watch w/a --rev=2 -- a', START] },
];

function flags(cluster: ProcessCluster): string[] {
  return [`--endpoints=${cluster.endpoints[0]}`];
}

async function compare(cluster: ProcessCluster, cases: readonly Case[]): Promise<{ pair: { etcdctl: Run; bargectl: Run }; shown: string }[]> {
  const rev = firstRev.get(cluster)!;
  // Most cases wait out a watch's timeout, idle: several at once keep the file short.
  return pool(
    6,
    cases.map((c) => async () => {
      const args = [...flags(cluster), ...c.args(rev)];
      const pair = await both(args, { env: c.env, timeoutMs: c.timeoutMs ?? 10_000, ...(c.script ? { script: c.script(rev) } : {}) });
      return { pair, shown: `${cluster.implementation}: ${args.slice(1).join(' ')} ${c.script ? JSON.stringify(c.script(rev)) : ''}` };
    }),
  );
}

describe('bargectl and etcdctl: watch with a command per event, and watch -i', () => {
  it('run the command per event with the event in its environment, and fail as etcdctl fails', async () => {
    const compared = await Promise.all([etcd, barge].map((cluster) => compare(cluster, EXEC)));
    for (const results of compared) {
      for (const { pair, shown } of results) expect(transcript(pair.bargectl), shown).toBe(transcript(pair.etcdctl));
      // The events, then one command per event; the revision is the response header's (stdout is latin1 here).
      const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
      expect(results[0]!.pair.bargectl.stdout.replace(/^\d+\|/gm, 'R|')).toBe(
        latin1(
          'PUT\nw/a\n1\nPUT\nw/\u00fc"q\\\ntwo words\t"x"\nPUT\nw/a\n1 again\nDELETE\nw/a\n\n' +
            'R|"PUT"|"w/a"|"1"\nR|"PUT"|"w/\u00fc\\"q\\\\"|"two words\\t\\"x\\""\nR|"PUT"|"w/a"|"1 again"\nR|"DELETE"|"w/a"|""\n',
        ),
      );
      expect(results[3]!.pair.bargectl.stderr).toBe('command ["false"] error (exit status 1)\n');
    }
  }, 120_000);

  it('reads watch and progress lines from stdin, every watcher printing on', async () => {
    const compared = await Promise.all([etcd, barge].map((cluster) => compare(cluster, INTERACTIVE)));
    for (const results of compared) {
      for (const { pair, shown } of results) expect(transcript(pair.bargectl), shown).toBe(transcript(pair.etcdctl));
      const first = results[0]!.pair.bargectl;
      expect(first.status).toBe(3);
      expect(first.stderr).toContain('Invalid command watch w/a w/b --prefix (`range_end` and `--prefix` are mutually exclusive)\n');
      expect(first.stdout).toMatch(/progress notify: \d+\nprogress notify: \d+\n/);
      expect(first.stdout).toContain('two words end\n');
    }
  }, 120_000);

  it('sees live events under -i, both tools watching at once', async () => {
    for (const cluster of [etcd, barge]) {
      const args = [...flags(cluster), 'watch', '-i'];
      const script = ['watch live/ --prefix --prev-kv\n', 'watch live/b -- printenv ETCD_WATCH_EVENT_TYPE ETCD_WATCH_KEY\n', 4000];
      const runs = Promise.all([runTool('etcdctl', args, { script }), runTool('bargectl', args, { script })]);
      await new Promise((r) => setTimeout(r, START));
      cluster.etcdctl(['put', 'live/a', '1']);
      cluster.etcdctl(['put', 'live/b', '2']);
      cluster.etcdctl(['del', 'live/', '--prefix']);
      const [etcdctl, bargectl] = await runs;
      // Two watchers print concurrently; within each the order is fixed, so lines compare sorted.
      const lines = (run: Run) => transcript(run).split('\n').sort().join('\n');
      expect(lines(bargectl)).toBe(lines(etcdctl));
      expect(bargectl.stdout).toContain('PUT\nlive/a\n1\n');
      expect(bargectl.stdout).toContain('"DELETE"\n"live/b"\n');
      expect(bargectl.status).toBe(3);
    }
  }, 60_000);
});
