// The chaos checks on hand-made runs: each kind of broken watch stream is reported, and unknown
// outcomes are settled from the change stream only as far as it proves.

import { describe, expect, it } from 'vitest';
import { checkHistory, checkWatches, missingRevisions, referenceStream, settleUnknownWrites } from '../../chaos/checks.js';
import { markerKey, type RecordedEvent, type RecordedOp } from '../../chaos/workload.js';

const put = (key: string, value: string, revision: number, response = revision, seenAt = revision * 10): RecordedEvent => ({
  type: 'PUT',
  key,
  value,
  revision,
  response,
  prevValue: null,
  seenAt,
});
const acked = (key: string, value: string, revision: number, call: number, ret: number): RecordedOp => ({ key, client: 0, input: { kind: 'put', value }, output: {}, call, ret, revision });
const timedOut = (key: string, value: string, call: number): RecordedOp => ({ key, client: 1, input: { kind: 'put', value }, output: undefined, call, ret: Infinity });
const read = (key: string, value: string | null, call: number, ret: number): RecordedOp => ({ key, client: 2, input: { kind: 'get' }, output: { value }, call, ret });

const stream = [put('k', 'a', 2), put('k', 'b', 3), put('k', 'c', 4)];
const history = [acked('k', 'a', 2, 0, 15), acked('k', 'b', 3, 16, 35), acked('k', 'c', 4, 36, 45)];

describe('watch checks', () => {
  it('accept identical complete streams on every member', () => {
    expect(checkWatches([{ endpoint: 'm1', events: stream }, { endpoint: 'm2', events: stream }], history)).toEqual([]);
  });

  it('report a gap, a duplicate, a reordering and a split revision', () => {
    expect(checkWatches([{ endpoint: 'm1', events: stream }, { endpoint: 'm2', events: [stream[0]!, stream[2]!] }], history)).toEqual(['m2: missed revisions 3']);
    expect(checkWatches([{ endpoint: 'm1', events: [...stream, stream[2]!] }], history)).toContain('m1: duplicate event for k at 4');
    expect(checkWatches([{ endpoint: 'm1', events: [stream[1]!, stream[0]!, stream[2]!] }], history)).toContain('m1: revision 2 after 3');
    const split = [put('k', 'a', 2), put('j', 'x', 2, 99)];
    expect(checkWatches([{ endpoint: 'm1', events: split }], [acked('k', 'a', 2, 0, 15), acked('j', 'x', 2, 0, 15)])).toContain('m1: revision 2 split across responses');
  });

  it('report members that disagree, a lost acknowledged write and a value nobody wrote', () => {
    const other = [stream[0]!, put('k', 'z', 3), stream[2]!];
    expect(checkWatches([{ endpoint: 'm1', events: stream }, { endpoint: 'm2', events: other }], history).join('\n')).toMatch(/m2: revision 3 is PUT k=z, another member saw PUT k=b/);
    expect(checkWatches([{ endpoint: 'm1', events: other }], history)).toEqual(
      expect.arrayContaining(['acknowledged write k=b at revision 3 is not in the watch stream', 'watch reports k=z that nobody wrote']),
    );
  });

  it('report a wrong prev_kv', () => {
    const wrongPrev = [stream[0]!, { ...stream[1]!, prevValue: 'x' }];
    expect(checkWatches([{ endpoint: 'm1', events: wrongPrev }], history.slice(0, 2))).toEqual(['prev_kv of k at 3 is x, expected a']);
  });
});

describe('settling unknown outcomes', () => {
  it('drops a timed-out put that never appears and fixes one that does at its revision', () => {
    const reference = referenceStream([{ events: stream }]);
    expect(missingRevisions(reference, 4)).toEqual([]);
    expect(missingRevisions(reference, 6)).toEqual([5, 6]);
    const settled = settleUnknownWrites([history[0]!, timedOut('k', 'b', 16), timedOut('k', 'never', 17), history[2]!], reference);
    expect(settled.map((op) => op.input.kind === 'put' && op.input.value)).toEqual(['a', 'b', 'c']);
    // Seen by a watcher at 30, and revision 4 returned at 45: it had taken effect by 30.
    expect(settled[1]).toMatchObject({ output: {}, revision: 3, ret: 30 });
  });

  it('settles a timed-out delete from its marker, with whether it deleted anything', () => {
    const deleteOp: RecordedOp = { key: 'k', client: 3, input: { kind: 'delete' }, output: undefined, call: 36, ret: Infinity, marker: 'm-1' };
    const events = [...stream.slice(0, 2), { ...put('k', '', 4), type: 'DELETE' as const }, put(markerKey('k'), 'm-1', 4)];
    const settled = settleUnknownWrites([history[0]!, history[1]!, deleteOp], referenceStream([{ events }]));
    expect(settled[2]).toMatchObject({ output: { deleted: 1 }, revision: 4 });
  });

  it('keeps the checker honest: a read of a value the settled history overwrote is not linearizable', () => {
    const reference = referenceStream([{ events: stream }]);
    const ok = settleUnknownWrites([...history, read('k', 'c', 50, 51)], reference);
    expect(checkHistory(ok).failures).toEqual([]);
    const stale = settleUnknownWrites([...history, read('k', 'a', 50, 51)], reference);
    expect(checkHistory(stale).failures).toEqual(['key k: not linearizable (4 operations; stuck after 3)']);
  });
});
