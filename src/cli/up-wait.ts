// How `barge up` waits for each startup step: kind's `create cluster --wait <duration>` bounds the wait for
// the control plane to be Ready; here it bounds each step (the store, the apiserver, every node Ready, the
// default ServiceAccount), 2m by default. Waiting for nodes prints how many are Ready as they come, since a
// thousand hollow kubelets take minutes to register on a busy machine.

import { goDuration } from '../shared/go-time.js';
import { parseDurationFlag } from './component-flags.js';

export const DEFAULT_UP_WAIT = '2m';

/** `--wait` in milliseconds: a Go duration above zero (barge up cannot skip the wait, as kind's 0s does). */
export function parseUpWait(value: string): number {
  const ms = parseDurationFlag('wait', value);
  if (ms <= 0) throw new Error(`invalid argument "${value}" for "--wait" flag: must be above zero`);
  return ms;
}

/** Go's text of a millisecond duration ("2m0s"), as kind prints its wait. */
export const goMs = (ms: number): string => goDuration(BigInt(Math.round(ms)) * 1_000_000n);

/** Asks `check` every `intervalMs` until it answers true; a failed check counts as false. */
export async function poll(what: () => string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${goMs(timeoutMs)} waiting for ${what()} (see the logs directory)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Prints "N/M nodes Ready" when the count moved, at most every `everyMs` and always on reaching M. */
export class ReadyProgress {
  /** The latest count seen (0 before any). */
  ready = 0;
  private shown = -1;
  private shownAt = -Infinity;

  constructor(
    private readonly want: number,
    private readonly print: (line: string) => void,
    private readonly everyMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  seen(ready: number): void {
    this.ready = ready;
    const at = this.now();
    if (ready === this.shown || (ready < this.want && at - this.shownAt < this.everyMs)) return;
    this.shown = ready;
    this.shownAt = at;
    this.print(`[nodes] ${ready}/${this.want} nodes Ready`);
  }
}

/**
 * Waits for `want` Ready nodes, counting them with `count` (a list of Nodes). A list of a thousand Nodes is
 * not free for the apiserver, so the larger the cluster the less often it is asked (250 ms to 2 s).
 */
export async function waitForReadyNodes(want: number, count: () => Promise<number>, timeoutMs: number, print: (line: string) => void): Promise<void> {
  print(`[nodes] waiting ≤ ${goMs(timeoutMs)} for ${want} nodes to be Ready`);
  const progress = new ReadyProgress(want, print);
  const started = Date.now();
  await poll(
    () => `${want} Ready nodes (${progress.ready} Ready)`,
    async () => {
      progress.seen(await count());
      return progress.ready >= want;
    },
    timeoutMs,
    Math.min(2000, Math.max(250, want * 2)),
  );
  print(`[nodes] ${want} nodes Ready after ${goMs(Math.round((Date.now() - started) / 1000) * 1000)}`);
}
