// A linearizability checker in the manner of Wing & Gong with Lowe's just-in-time linearization and a
// cache of (linearized set, state) pairs, as Porcupine does. A history is a list of operations with
// invocation and completion times; an operation whose outcome is unknown (a timeout) completes at +∞,
// so it may take effect at any point after its invocation, or never (linearized last, unseen).

export interface Operation<I, O> {
  readonly input: I;
  /** undefined: the outcome is unknown (the client gave up waiting). */
  readonly output: O | undefined;
  readonly call: number;
  /** Infinity when the outcome is unknown. */
  readonly ret: number;
}

export interface Model<S, I, O> {
  readonly init: S;
  /** Whether `output` is what `input` returns from `state` (any output when unknown), and the next state. */
  step(state: S, input: I, output: O | undefined): { ok: boolean; next: S };
  key(state: S): string;
}

interface Entry {
  readonly id: number;
  readonly isCall: boolean;
  readonly time: number;
  match?: Entry;
  prev?: Entry;
  next?: Entry;
}

export interface CheckResult {
  readonly linearizable: boolean;
  /** The search ran out of its time budget before deciding (counts as not proven linearizable). */
  readonly undecided?: boolean;
  /** Operations the search could linearize before it got stuck (for reports), largest prefix found. */
  readonly longestPrefix: number;
}

/**
 * Whether the history has a linearization consistent with the model (a sequential specification).
 * The search is exponential at worst, so it stops undecided at `deadline` (a Date.now() instant): a
 * budget in time, not steps, holds on fast and slow machines alike.
 */
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], deadline = Date.now() + 60_000): CheckResult {
  const events: Entry[] = [];
  history.forEach((op, id) => {
    const call: Entry = { id, isCall: true, time: op.call };
    const ret: Entry = { id, isCall: false, time: op.ret };
    call.match = ret;
    events.push(call, ret);
  });
  // Calls before returns at equal times: operations that touch at one instant count as concurrent.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Entry = { id: -1, isCall: false, time: -Infinity };
  let last = head;
  for (const e of events) {
    last.next = e;
    e.prev = last;
    last = e;
  }

  const lift = (e: Entry): void => {
    e.prev!.next = e.next;
    if (e.next) e.next.prev = e.prev;
    const r = e.match!;
    r.prev!.next = r.next;
    if (r.next) r.next.prev = r.prev;
  };
  const unlift = (e: Entry): void => {
    const r = e.match!;
    r.prev!.next = r;
    if (r.next) r.next.prev = r;
    e.prev!.next = e;
    if (e.next) e.next.prev = e;
  };

  // The set of linearized operations, hashed Zobrist-style (two random 32-bit words per operation,
  // XORed in and out), so a cache entry costs a few bytes instead of a bitset as long as the history.
  const words = new Uint32Array(history.length * 2);
  for (let i = 0; i < words.length; i++) words[i] = (Math.random() * 2 ** 32) >>> 0;
  let hashHigh = 0;
  let hashLow = 0;
  const toggle = (id: number): void => {
    hashHigh = (hashHigh ^ words[2 * id]!) >>> 0;
    hashLow = (hashLow ^ words[2 * id + 1]!) >>> 0;
  };
  const cache = new Set<string>();
  const stack: { entry: Entry; state: S }[] = [];
  let state = model.init;
  let entry = head.next;
  let longest = 0;
  let steps = 0;
  while (head.next !== undefined) {
    if ((++steps & 0xffff) === 0 && Date.now() > deadline) return { linearizable: false, undecided: true, longestPrefix: longest };
    if (entry === undefined) return { linearizable: false, longestPrefix: longest };
    if (entry.isCall) {
      const op = history[entry.id]!;
      const { ok, next } = model.step(state, op.input, op.output);
      if (ok) {
        toggle(entry.id);
        const key = `${hashHigh.toString(36)}.${hashLow.toString(36)}|${model.key(next)}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ entry, state });
          state = next;
          lift(entry);
          longest = Math.max(longest, stack.length);
          entry = head.next;
          continue;
        }
        toggle(entry.id);
      }
      entry = entry.next;
    } else {
      // A return whose call is still unlinearized: undo the last choice and try the next one.
      const top = stack.pop();
      if (!top) return { linearizable: false, longestPrefix: longest };
      state = top.state;
      toggle(top.entry.id);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { linearizable: true, longestPrefix: history.length };
}

// ---- a key-value register, the model the chaos runs check each key against ----------------------

export type KvInput =
  | { readonly kind: 'put'; readonly value: string }
  | { readonly kind: 'get' }
  | { readonly kind: 'cas'; readonly expected: string | null; readonly value: string }
  | { readonly kind: 'delete' };

/** get: the value seen (null: absent); cas: whether it swapped; delete: keys deleted; put: nothing. */
export type KvOutput = { readonly value: string | null } | { readonly succeeded: boolean } | { readonly deleted: number } | Record<string, never>;

export const registerModel: Model<string | null, KvInput, KvOutput> = {
  init: null,
  step(state, input, output) {
    switch (input.kind) {
      case 'put':
        return { ok: true, next: input.value };
      case 'get':
        return { ok: output === undefined || (output as { value: string | null }).value === state, next: state };
      case 'cas': {
        const swaps = state === input.expected;
        const ok = output === undefined || (output as { succeeded: boolean }).succeeded === swaps;
        return { ok, next: swaps ? input.value : state };
      }
      case 'delete': {
        const deleted = state === null ? 0 : 1;
        return { ok: output === undefined || (output as { deleted: number }).deleted === deleted, next: null };
      }
    }
  },
  key: (state) => (state === null ? '∅' : `=${state}`),
};
