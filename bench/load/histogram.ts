// Latency recording for the load generator: an HDR histogram in microseconds (3 significant digits, so any
// percentile is within 0.1 % of the truth), which workers ship to the parent as a compressed string and the
// parent adds up.

import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type JsHistogram } from 'hdr-histogram-js';

export class Latency {
  private constructor(private readonly histogram: JsHistogram) {}

  static create(): Latency {
    // 1 µs to 10 minutes; values outside grow the histogram rather than being dropped.
    const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
    return new Latency(histogram as JsHistogram);
  }

  static decode(encoded: string): Latency {
    const histogram = decodeFromCompressedBase64(encoded, 32, false) as JsHistogram;
    return new Latency(histogram);
  }

  /** Records one latency given in nanoseconds (a difference of process.hrtime.bigint() readings). */
  recordNs(ns: bigint | number): void {
    const us = Math.max(1, Math.round(Number(ns) / 1000));
    this.histogram.recordValue(us);
  }

  add(other: Latency): void {
    this.histogram.add(other.histogram);
  }

  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number): number => us / 1000;
    if (h.totalCount === 0) return { count: 0, minMs: 0, meanMs: 0, stddevMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
    return {
      count: h.totalCount,
      minMs: ms(h.minNonZeroValue),
      meanMs: ms(h.mean),
      stddevMs: ms(h.stdDeviation),
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      maxMs: ms(h.maxValue),
    };
  }

  /** Counts in `maxBuckets` buckets whose bounds grow geometrically from the smallest value to the largest. */
  buckets(maxBuckets = 12): HistogramBucket[] {
    const h = this.histogram;
    if (h.totalCount === 0) return [];
    const min = Math.max(1, h.minNonZeroValue);
    const max = h.maxValue;
    const n = max > min ? maxBuckets : 1;
    const ratio = Math.pow(max / min, 1 / n);
    const bounds = Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min * Math.pow(ratio, i + 1)));
    const counts = new Array<number>(bounds.length).fill(0);
    const values = h.recordedValuesIterator;
    values.reset();
    while (values.hasNext()) {
      const step = values.next();
      const value = h.lowestEquivalentValue(step.valueIteratedTo);
      let i = bounds.findIndex((bound) => value <= bound);
      if (i < 0) i = bounds.length - 1;
      counts[i]! += step.countAtValueIteratedTo;
    }
    return bounds.map((bound, i) => ({ upToMs: bound / 1000, count: counts[i]! }));
  }
}

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface HistogramBucket {
  upToMs: number;
  count: number;
}
