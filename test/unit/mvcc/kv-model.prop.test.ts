import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etcdErrorOf } from '../../support/etcd-error.js';
import {
  CompareResult,
  CompareTarget,
  EventType,
  KvApplier,
  MvccStore,
  WatchHub,
  type Watcher,
  type KeyValue,
  type MvccEvent,
  type RequestOp,
} from '../../../src/mvcc/index.js';

// A naive model of etcd's keyspace: the whole key → value map after every revision, and each revision's
// changes. The store under test must agree with it on every read, error and watch event.

interface ModelKv {
  value: string;
  create: number;
  mod: number;
  version: number;
}

interface ModelChange {
  rev: number;
  key: string;
  deleted: boolean;
  kv?: ModelKv;
}

class Model {
  states: Map<string, ModelKv>[] = [new Map(), new Map()]; // index = revision; revision 1 is empty
  changes: ModelChange[] = [];
  compacted = 0;

  get rev(): number {
    return this.states.length - 1;
  }

  at(rev: number): Map<string, ModelKv> {
    return this.states[rev]!;
  }

  /** Applies a write (list of puts/deletes at one revision); returns whether the revision moved. */
  write(ops: readonly ({ put: [string, string] } | { del: [string, string | undefined] })[]): void {
    const next = new Map(this.at(this.rev));
    const rev = this.rev + 1;
    const changes: ModelChange[] = [];
    for (const op of ops) {
      if ('put' in op) {
        const [key, value] = op.put;
        const old = next.get(key);
        const kv = { value, create: old?.create ?? rev, mod: rev, version: (old?.version ?? 0) + 1 };
        next.set(key, kv);
        changes.push({ rev, key, deleted: false, kv });
      } else {
        for (const key of [...next.keys()].filter((k) => inModelRange(k, op.del[0], op.del[1])).sort()) {
          next.delete(key);
          changes.push({ rev, key, deleted: true });
        }
      }
    }
    if (changes.length > 0) {
      this.states.push(next);
      this.changes.push(...changes);
    }
  }
}

function inModelRange(key: string, start: string, end: string | undefined): boolean {
  if (end === undefined) return key === start;
  if (end === '\0') return key >= start;
  return key >= start && key < end;
}

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const dec = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

const keyArb = fc.constantFrom('a', 'b', 'ba', 'bb', 'c', 'd\u00ff', 'e');
const endArb = fc.option(fc.constantFrom('b', 'bb', 'c', 'z', '\0'), { nil: undefined });
const valueArb = fc.string({ maxLength: 3 });

type Op =
  | { kind: 'put'; key: string; value: string }
  | { kind: 'del'; key: string; end: string | undefined }
  | { kind: 'txn'; key: string; modRev: number; thenKey: string; thenValue: string; elseDel: string }
  | { kind: 'compact'; back: number }
  | { kind: 'range'; key: string; end: string | undefined; back: number; limit: number }
  | { kind: 'watch'; key: string; end: string | undefined; back: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), key: keyArb, end: endArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('txn' as const),
      key: keyArb,
      modRev: fc.nat({ max: 12 }),
      thenKey: keyArb,
      thenValue: valueArb,
      elseDel: keyArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat({ max: 4 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('range' as const), key: keyArb, end: endArb, back: fc.nat({ max: 6 }), limit: fc.nat({ max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('watch' as const), key: keyArb, end: endArb, back: fc.nat({ max: 8 }) }) },
);


interface RecordedWatch {
  key: string;
  end: string | undefined;
  start: number;
  events: MvccEvent[];
  compactedAt?: number;
  watcher?: Watcher;
}

/** Lets every pending catch-up step run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the keyspace agrees with a naive model', () => {
  it('on reads at any revision, errors, txns, compaction and every watcher\'s events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const store = new MvccStore();
        const hub = new WatchHub(store);
        const kv = new KvApplier(store);
        const model = new Model();
        const watches: RecordedWatch[] = [];
        // Physical compactions run in the background; each must finish without error by the run's end.
        const compactions: Promise<void>[] = [];

        for (const op of ops) {
          switch (op.kind) {
            case 'put':
              kv.put({ key: enc(op.key), value: enc(op.value) });
              model.write([{ put: [op.key, op.value] }]);
              break;
            case 'del': {
              const result = kv.deleteRange({ key: enc(op.key), rangeEnd: op.end === undefined ? undefined : enc(op.end) });
              const existing = [...model.at(model.rev).keys()].filter((k) => inModelRange(k, op.key, op.end));
              expect(result.deleted).toBe(existing.length);
              model.write([{ del: [op.key, op.end] }]);
              break;
            }
            case 'txn': {
              const success: RequestOp[] = [{ requestPut: { key: enc(op.thenKey), value: enc(op.thenValue) } }];
              const failure: RequestOp[] = [{ requestDeleteRange: { key: enc(op.elseDel) } }, { requestRange: { key: enc(op.key) } }];
              const result = kv.txn({
                compare: [{ key: enc(op.key), target: CompareTarget.Mod, result: CompareResult.Equal, modRevision: op.modRev }],
                success,
                failure,
              });
              const succeeded = (model.at(model.rev).get(op.key)?.mod ?? 0) === op.modRev;
              expect(result.succeeded).toBe(succeeded);
              if (succeeded) model.write([{ put: [op.thenKey, op.thenValue] }]);
              else model.write([{ del: [op.elseDel, undefined] }]);
              break;
            }
            case 'compact': {
              const rev = model.rev - op.back;
              const expected = rev <= model.compacted ? 'etcdserver: mvcc: required revision has been compacted' : undefined;
              expect(etcdErrorOf(() => compactions.push(store.compact(rev)))).toBe(expected);
              if (!expected) model.compacted = rev;
              break;
            }
            case 'range': {
              const rev = model.rev - op.back;
              const request = { key: enc(op.key), rangeEnd: op.end === undefined ? undefined : enc(op.end), revision: rev, limit: op.limit };
              const err = etcdErrorOf(() => kv.range(request));
              if (rev > 0 && rev < model.compacted) {
                expect(err).toBe('etcdserver: mvcc: required revision has been compacted');
                break;
              }
              expect(err).toBeUndefined();
              const atRev = rev <= 0 ? model.rev : rev;
              const keys = [...model.at(atRev).keys()].filter((k) => inModelRange(k, op.key, op.end)).sort();
              const result = kv.range(request);
              const shown = op.limit > 0 ? keys.slice(0, op.limit) : keys;
              expect(result.count).toBe(keys.length);
              expect(result.more).toBe(op.limit > 0 && keys.length > op.limit);
              expect(result.kvs.map((x) => [dec(x.key), dec(x.value), x.createRevision, x.modRevision, x.version])).toEqual(
                shown.map((k) => {
                  const m = model.at(atRev).get(k)!;
                  return [k, m.value, m.create, m.mod, m.version];
                }),
              );
              break;
            }
            case 'watch': {
              const start = Math.max(1, model.rev + 1 - op.back);
              const recorded: RecordedWatch = { key: op.key, end: op.end, start, events: [] };
              watches.push(recorded);
              recorded.watcher = hub.watch(
                { key: enc(op.key), rangeEnd: op.end === undefined ? undefined : enc(op.end), startRevision: start, prevKv: true },
                {
                  deliver: (d) => {
                    recorded.events.push(...d.events);
                    // A receiver that is sometimes full, to exercise falling behind and catching up.
                    return recorded.events.length % 3 !== 0;
                  },
                  compacted: (rev) => {
                    recorded.compactedAt = rev;
                  },
                },
              );
              break;
            }
          }
          if (op.kind === 'watch' || op.kind === 'put') await settle();
        }

        // Drain: full receivers are resumed until everyone caught up.
        for (let round = 0; round < 50; round++) {
          for (const w of watches) hub.resume(w.watcher!);
          await settle();
        }

        await Promise.all(compactions);
        expect(store.currentRevision).toBe(model.rev);
        for (const w of watches) {
          const expected = model.changes.filter((c) => c.rev >= w.start && inModelRange(c.key, w.key, w.end));
          if (w.compactedAt !== undefined) {
            // Cancelled because compaction passed the revision it needed next (it started, or fell, behind):
            // what it got before is still an exact prefix.
            expect(w.events.map(describeEvent)).toEqual(expected.slice(0, w.events.length).map(describeChange));
            const needed = w.events.length === 0 ? w.start : w.events[w.events.length - 1]!.kv.modRevision + 1;
            expect(needed).toBeLessThan(w.compactedAt);
            continue;
          }
          expect(w.events.map(describeEvent)).toEqual(expected.map(describeChange));
          for (const event of w.events) {
            // prev_kv is the key as it was just before this revision (when not compacted away).
            const before = model.at(event.kv.modRevision - 1).get(dec(event.kv.key));
            if (event.prevKv) expect(describeKv(event.prevKv)).toEqual(before && [before.value, before.create, before.mod, before.version]);
            else if (event.kv.modRevision - 1 >= model.compacted) expect(before).toBeUndefined();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

function describeKv(kv: KeyValue): [string, number, number, number] {
  return [dec(kv.value), kv.createRevision, kv.modRevision, kv.version];
}

function describeEvent(e: MvccEvent): string {
  return e.type === EventType.Delete
    ? `${e.kv.modRevision} DELETE ${dec(e.kv.key)}`
    : `${e.kv.modRevision} PUT ${dec(e.kv.key)}=${dec(e.kv.value)} c${e.kv.createRevision} v${e.kv.version}`;
}

function describeChange(c: ModelChange): string {
  return c.deleted ? `${c.rev} DELETE ${c.key}` : `${c.rev} PUT ${c.key}=${c.kv!.value} c${c.kv!.create} v${c.kv!.version}`;
}
