// Samples of one metric from Prometheus' text format, with their labels.

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Every `name{labels} value` line of `metricsText` (`name` with its suffix, e.g. `_bucket`). */
export function samples(metricsText: string, name: string): Sample[] {
  const found: Sample[] = [];
  const prefix = `${name}{`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('} ');
    if (close < 0) continue;
    const labels = Object.fromEntries([...line.slice(prefix.length, close).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    found.push({ labels, value: Number(line.slice(close + 2)) });
  }
  return found;
}
