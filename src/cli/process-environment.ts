// The environment `barge` starts its processes in. glibc and V8 read these settings only when a process
// starts, so they are given there: by `barge cluster`, `barge up` and the test harness to the processes they
// start, and by bin/barge.js's first line (read by sh) when `barge` is run as a command. Settings the user
// gave come after ours and so win. `node bin/barge.js` alone runs with neither.
//
// Every process: glibc's malloc trim threshold fixed at 128 KiB. A Buffer's bytes, LevelDB's blocks and
// batches, nghttp2's and OpenSSL's buffers come from malloc. glibc returns freed memory to the system only
// from the top of its heap, once more than the trim threshold is free there, and after any block of 128 KiB
// or more is freed it raises that threshold to twice the block (up to 64 MiB): a member that once freed a
// megabyte kept megabytes it no longer used. Fixing the threshold stops the raise: about 30 MiB less RSS
// per member after bench:compare's workloads (bench/RESULTS.md, "glibc's malloc keeps what a member freed").
//
// A member (etcd's flags, or none; a subcommand begins with its name): V8's young generation at 8 MiB
// semi-spaces instead of 16, about 15 MiB less RSS after the same workloads, both semi-spaces having grown
// to their largest under load (bench/RESULTS.md, "A member's young generation"). Neither setting moved CPU
// per request beyond run-to-run noise.

export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=131072';
export const MEMBER_NODE_OPTIONS = '--max-semi-space-size=8';

/** Whether `barge <args>` runs a member (etcd's flags, or none) rather than a subcommand. */
export function runsMember(args: readonly string[]): boolean {
  const first = args[0];
  return first === undefined || first === '' || first.startsWith('-');
}

/** `env` as `barge <args>` runs in: ours first, then any the user gave of the same variables. */
export function bargeEnvironment(args: readonly string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, GLIBC_TUNABLES: before(MALLOC_TUNABLES, env['GLIBC_TUNABLES'], ':') };
  if (runsMember(args)) out['NODE_OPTIONS'] = before(MEMBER_NODE_OPTIONS, env['NODE_OPTIONS'], ' ');
  return out;
}

/** `ours` then `given`; `given` alone when it already begins with ours (a process barge started, starting another). */
function before(ours: string, given: string | undefined, separator: string): string {
  if (!given) return ours;
  if (given === ours || given.startsWith(`${ours}${separator}`)) return given;
  return `${ours}${separator}${given}`;
}
