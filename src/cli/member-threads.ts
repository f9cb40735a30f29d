// A member's helper threads yield to request handling.
//
// A Node member does its requests on one thread; V8's helpers (optimizing compiles, concurrent marking,
// parallel scavenges) and libuv's pool run beside it. On a machine whose cores the members share (three
// members and a client on two cores here), a helper's burst (a TurboFan compile takes 1–15 ms, and a
// workload that changes sets off dozens) took a core from some member's thread that a request was waiting
// for: in a one-client put's slowest 2 %, members' helpers and the client's ran for most of the request
// while the members' own threads waited (bench/RESULTS.md, "The one-client put's slow requests"). Run at
// the lowest priority, a helper still gets every core nobody else wants, and all of them on an idle machine.
//
// Linux only: each thread has a nice value of its own there (setpriority on a thread id); elsewhere this
// does nothing. Threads made later by the main thread take its priority.

import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest priority a thread can have under the normal scheduler. */
export const HELPER_NICE = 19;

/** The ids of this process's threads other than the main one; none where /proc does not list them. */
export function helperThreadIds(): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  return tasks.map(Number).filter((tid) => Number.isInteger(tid) && tid !== process.pid);
}

/** Lowers every helper thread this process has now to HELPER_NICE; returns how many were lowered. */
export function lowerHelperThreads(): number {
  let lowered = 0;
  for (const tid of helperThreadIds()) {
    try {
      setPriority(tid, HELPER_NICE);
      lowered++;
    } catch {
      // A thread that ended since the listing.
    }
  }
  return lowered;
}
