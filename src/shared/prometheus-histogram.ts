// A Prometheus histogram in the text exposition format: cumulative bucket counts, sum and count, one
// series per distinct set of labels. The apiserver's request metrics and a member's disk metrics use it.

export type Labels = Readonly<Record<string, string>>;

export const labelText = (labels: Labels): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(private readonly buckets: readonly number[]) {}

  observe(labels: Labels, seconds: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  render(name: string): string[] {
    const lines: string[] = [];
    for (const [labels, s] of this.series) {
      const sep = labels ? ',' : '';
      const own = labels ? `{${labels}}` : '';
      this.buckets.forEach((b, i) => lines.push(`${name}_bucket{${labels}${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`, `${name}_sum${own} ${s.sum}`, `${name}_count${own} ${s.count}`);
    }
    return lines;
  }
}
