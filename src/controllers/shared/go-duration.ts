// Go's time.ParseDuration, for flags such as --node-monitor-grace-period=50s or 1m30s.

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    total += Number(match[1]) * UNITS_MS[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) throw new Error(`time: invalid duration "${text}"`);
  return total;
}
