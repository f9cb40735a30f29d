import { describe, expect, it } from 'vitest';
import { fmt, median, pairedFigure, type Paired } from '../../../bench/paired-runs.js';

interface Figures {
  readonly ms?: number;
}

describe('paired runs', () => {
  it('takes the median of an odd and an even count, ignoring what is not finite', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeUndefined();
  });

  it('gives each store its median and the median of the ratios taken within each run', () => {
    const pairs: Paired<Figures>[] = [
      { etcd: { ms: 100 }, barge: { ms: 150 } },
      { etcd: { ms: 200 }, barge: { ms: 100 } },
      { etcd: { ms: 1000 }, barge: { ms: 900 } },
    ];
    const figure = pairedFigure(pairs, (r) => r.ms, 0);
    expect(figure).toEqual({ etcd: '200', barge: '150', ratio: '0.90×', byRun: '1.50×, 0.50×, 0.90×' });
  });

  it('leaves a run without both figures out of the ratios and says so in its place', () => {
    const pairs: Paired<Figures>[] = [{ etcd: { ms: 10 }, barge: {} }, { etcd: { ms: 0 }, barge: { ms: 3 } }, { barge: { ms: 4 } }, { etcd: { ms: 2 }, barge: { ms: 3 } }];
    const figure = pairedFigure(pairs, (r) => r.ms, 1);
    expect(figure.ratio).toBe('1.50×');
    expect(figure.byRun).toBe('—, —, —, 1.50×');
    expect(figure.etcd).toBe('2.0');
    expect(figure.barge).toBe('3.0');
    expect(fmt(12345.678, 1)).toBe('12,345.7');
  });
});
