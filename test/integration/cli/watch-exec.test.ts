// Differential: watch running a command per event (`watch … -- cmd args`) and interactive watch (`watch -i`
// reading `watch …` and `progress` lines from stdin), through etcdctl 3.4 and bargectl against etcd and
// against Barge. History (--rev) makes most runs repeatable one after the other; live events are watched
// by both tools at once. A watch never ends by itself: a run is stopped, or its stdin ended, once it has
// printed what the case waits for — never after a guessed time, since a loaded machine can take seconds
// to start a bargectl (and a slow tool stopped early would print less than a fast one).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { both, pool, printed, startTool, transcript, type Run, type ScriptStep, type Seen } from './ctl-harness.js';

let etcd: ProcessCluster;
let barge: ProcessCluster;
/** The revision of the first write under w/ on each server. */
const firstRev = new Map<ProcessCluster, number>();

const PRINT_EVENT = 'printf "%s|%s|%s|%s\\n" "$ETCD_WATCH_REVISION" "$ETCD_WATCH_EVENT_TYPE" "$ETCD_WATCH_KEY" "$ETCD_WATCH_VALUE"';
/** The same from an interactive line (whose single quotes etcdctl's argify mangles). */
const PRINT_ENV = 'printenv ETCD_WATCH_REVISION ETCD_WATCH_EVENT_TYPE ETCD_WATCH_KEY ETCD_WATCH_VALUE';

/** Waits until stdout holds `text` (`times` times). */
const shows =
  (text: string, times = 1) =>
  (seen: Seen): boolean =>
    printed(seen.stdout, text, times);
/** Waits until each of `lines` has been printed whole, as often as it occurs there, in any order. */
const printedLines =
  (lines: readonly string[]) =>
  (seen: Seen): boolean => {
    const printedSoFar = seen.stdout.slice(0, seen.stdout.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
    const missing = new Map<string, number>();
    for (const line of lines) missing.set(line, (missing.get(line) ?? 0) + 1);
    for (const line of printedSoFar) missing.set(line, (missing.get(line) ?? 0) - 1);
    return [...missing.values()].every((n) => n <= 0);
  };
/** Waits until the tool has ended by itself. */
const ended = (seen: Seen): boolean => seen.ended;
/** Waits until the server has canceled a watch (an empty range: the key given twice). */
const canceled = (seen: Seen): boolean => seen.stderr.includes('watch was canceled');

/** The last of the four events under w/ as the simple format prints it, and as PRINT_ENV prints it. */
const LAST_EVENT = 'DELETE\nw/a\n\n';
const LAST_EVENT_ENV = '"DELETE"\n"w/a"\n""\n';

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
  readonly input?: string;
  /** Interactive input: lines, and waits for what the tool printed; stdin ends after it. */
  readonly script?: (rev: number) => ScriptStep[];
  /** A watch that does not end by itself is stopped once it printed this. */
  readonly stopWhen?: (seen: Seen) => boolean;
}

const EXEC: Case[] = [
  { args: (r) => ['watch', 'w/', '--prefix', `--rev=${r}`, '--', 'sh', '-c', PRINT_EVENT], stopWhen: shows('|"DELETE"|"w/a"|""\n') },
  { args: (r) => ['watch', 'w/', '--prefix', `--rev=${r}`, '--prev-kv', '-w', 'json', '--', 'sh', '-c', PRINT_EVENT], stopWhen: shows('|"DELETE"|"w/a"|""\n') },
  { args: (r) => ['watch', `--rev=${r}`, 'w/a', '-w', 'fields', '--', 'echo', 'event:'], stopWhen: shows('event:\n', 3) },
  { args: (r) => ['watch', 'w/', 'w0', `--rev=${r}`, '--', 'false'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'sh', '-c', 'exit 3'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'sh', '-c', 'kill -TERM $$'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'no-such-command-here', 'a b'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', './no/such/file'] },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', '/'] },
  { args: (r) => ['watch', '--rev', String(r), '--', 'echo', 'from the environment'], env: { ETCDCTL_WATCH_KEY: 'w/a' }, stopWhen: shows('from the environment\n', 3) },
  { args: (r) => ['watch', `--rev=${r}`, '--', 'echo', 'a range'], env: { ETCDCTL_WATCH_KEY: 'w/', ETCDCTL_WATCH_RANGE_END: 'w0' }, stopWhen: shows('a range\n', 4) },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'echo'], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: (r) => ['watch', `--rev=${r}`], env: { ETCDCTL_WATCH_RANGE_END: 'w0' } },
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--'] },
  { args: () => ['watch', '--', 'echo', 'no key'] },
  { args: () => ['watch'] },
  { args: (r) => ['watch', 'w/a', 'w/b', 'w/c', `--rev=${r}`], stopWhen: shows(LAST_EVENT) },
  { args: (r) => ['watch', 'w/a', 'w/b', '--prefix', `--rev=${r}`] },
  // The command's stdin is not the watch's: etcdctl gives it none, so `cat` reads nothing.
  { args: (r) => ['watch', 'w/a', `--rev=${r}`, '--', 'sh', '-c', 'cat; echo ran'], input: 'for the watch, not the command\n', stopWhen: shows('ran\n', 3) },
];

const INTERACTIVE: Case[] = [
  {
    args: () => ['watch', '-i'],
    script: (r) => [
      `watch w/a --rev=${r}\n`, shows(LAST_EVENT),
      '\n   \nget w/a\nwatch\nwatch w/a w/b --prefix\n',
      `watch w/ --prefix --rev=${r} -- ${PRINT_ENV}\n`, shows(LAST_EVENT_ENV),
      'progress\n', shows('progress notify: ', 2),
      `watch w/ --prefix --rev=${r} --prev-kv -- echo "two words" end\n`, shows('two words end\n', 4),
    ],
  },
  // The events' line, then the progress notice and the progress response's line.
  { args: () => ['watch', '-i', '-w', 'json'], script: (r) => [`watch w/ --prefix --rev=${r}\n`, shows('\n'), 'progress\n', shows('\n', 3)] },
  { args: () => ['watch', '-i'], script: (r) => [`watch --rev=${r} -- echo from the environment\n`, shows('from the environment\n', 3)], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: () => ['watch', '-i'], script: (r) => [`watch w/a --rev=${r} -- echo\n`, canceled], env: { ETCDCTL_WATCH_KEY: 'w/a' } },
  { args: () => ['watch', '-i', 'ignored', '--prefix'], script: (r) => [`watch w/a --rev=${r}\n`, shows(LAST_EVENT), 'watch w/a --bogus\n', ended] },
  { args: () => ['watch', '-i'], script: (r) => [`watch w/a --rev=${r} -- false\n`, ended] },
  { args: () => ['watch', '-i'], script: () => ['watch w/a --rev=x\nwatch w/a --rev\nwatch w/a -x\n', ended] },
  { args: () => ['watch', '-i'], script: () => ['watch w/a --\n', ended] },
  // A last line without its newline is not read as a command: stdin ends first.
  { args: () => ['watch', '-i'], script: () => ['watch w/a --rev=2 -- a'] },
  // A command reading stdin gets none: the lines after the watch line stay the watch's.
  { args: () => ['watch', '-i'], script: (r) => [`watch w/a --rev=${r} -- sh -c "cat; echo ran"\n`, shows('ran\n', 3), 'progress\n', shows('progress notify: ')] },
];

function flags(cluster: ProcessCluster): string[] {
  return [`--endpoints=${cluster.endpoints[0]}`];
}

/** Both tools on every case, several cases at once; a run that had to be killed by its time bound is a failure. */
async function compare(cluster: ProcessCluster, cases: readonly Case[]): Promise<{ pair: { etcdctl: Run; bargectl: Run }; shown: string }[]> {
  const rev = firstRev.get(cluster)!;
  return pool(
    6,
    cases.map((c) => async () => {
      const args = [...flags(cluster), ...c.args(rev)];
      const script = c.script?.(rev);
      const pair = await both(args, { env: c.env, input: c.input, timeoutMs: 30_000, stopWhen: c.stopWhen, script });
      const shown = `${cluster.implementation}: ${args.slice(1).join(' ')} ${script ? JSON.stringify(script.filter((s) => typeof s === 'string')) : ''}`;
      for (const run of [pair.etcdctl, pair.bargectl]) expect(run.timedOut, `${shown}: ran into its time bound`).toBeUndefined();
      return { pair, shown };
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
      // A third watcher, on a key written before, is created after the other two on the same stream: once
      // it has printed that event, the two live watchers are in place on the server.
      const synced = /"revision":(\d+)/.exec(cluster.etcdctl(['put', 'live-sync', 'ready', '-w', 'json']).stdout)![1];
      let endInput!: () => void;
      const inputEnds = new Promise<void>((resolve) => (endInput = resolve));
      const script = ['watch live/ --prefix --prev-kv\n', 'watch live/b -- printenv ETCD_WATCH_EVENT_TYPE ETCD_WATCH_KEY\n', `watch live-sync --rev=${synced}\n`, inputEnds];
      // Under a loaded CI machine the whole exchange can pass the default 30 s bound; the end is stdin's.
      const runs = (['etcdctl', 'bargectl'] as const).map((tool) => startTool(tool, args, { script, timeoutMs: 80_000 }));
      await Promise.all(runs.map((run) => run.until('the sync watcher', shows('live-sync\nready\n'))));
      cluster.etcdctl(['put', 'live/a', '1']);
      cluster.etcdctl(['put', 'live/b', '2']);
      cluster.etcdctl(['del', 'live/', '--prefix']);
      // Every line the three watchers and live/b's command print, each as often as printed. The command writes
      // to the same stdout as the watchers, so its lines can fall inside an event's: wait for the lines, not
      // for an event's lines in a row.
      const everyLine = [
        ...['PUT', 'live-sync', 'ready'],
        ...['PUT', 'live/a', '1', 'PUT', 'live/b', '2', 'DELETE', 'live/a', '1', 'live/a', '', 'DELETE', 'live/b', '2', 'live/b', ''],
        ...['PUT', 'live/b', '2', 'DELETE', 'live/b', ''],
        ...['"PUT"', '"live/b"', '"DELETE"', '"live/b"'],
      ];
      await Promise.all(runs.map((run) => run.until('the last events', printedLines(everyLine))));
      endInput();
      const [etcdctl, bargectl] = await Promise.all(runs.map((run) => run.done));
      // Three watchers print concurrently; within each the order is fixed, so lines compare sorted.
      const lines = (run: Run) => transcript(run).split('\n').sort().join('\n');
      expect(lines(bargectl!)).toBe(lines(etcdctl!));
      expect(bargectl!.stdout).toContain('PUT\nlive/a\n1\n');
      expect(bargectl!.stdout).toContain('"DELETE"\n"live/b"\n');
      expect(bargectl!.status).toBe(3);
    }
  }, 180_000);
});
