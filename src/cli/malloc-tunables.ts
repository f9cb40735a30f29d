// How glibc's malloc gives memory back, for every process `barge` runs.
//
// A Buffer's bytes, LevelDB's blocks and batches, nghttp2's and OpenSSL's buffers come from malloc. glibc
// returns freed memory to the system only from the top of its heap, once more than the trim threshold is
// free there; and after any block of 128 KiB or more is freed it raises that threshold to twice the block
// (up to 64 MiB), so a member that once freed a megabyte keeps megabytes it no longer uses. Fixing the
// threshold at 128 KiB also stops that raise: about 30 MiB less RSS per member after bench:compare's
// workloads, with no change in CPU per request that rounds of `bench/store-cpu.ts` could tell apart
// (bench/RESULTS.md, "glibc's malloc keeps what a member freed").
//
// glibc reads GLIBC_TUNABLES when a process starts, so it is set in the environment of the processes
// started here, and by bin/barge.js's first line when `barge` is run as a command. Settings the user gave
// come after ours and so win. Other C libraries ignore the variable.

export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=131072';

/** `env` with the malloc tunables before any the user gave. */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const given = env['GLIBC_TUNABLES'];
  return { ...env, GLIBC_TUNABLES: given ? `${MALLOC_TUNABLES}:${given}` : MALLOC_TUNABLES };
}
