// Durations printed as Go's time.Duration.String() prints them, rounded to milliseconds ("830ms", "1.2s").

export function goDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1000) return `${rounded}ms`;
  if (rounded < 60_000) return `${trim(rounded / 1000)}s`;
  const minutes = Math.floor(rounded / 60_000);
  return `${minutes}m${trim((rounded - minutes * 60_000) / 1000)}s`;
}

function trim(seconds: number): string {
  return seconds.toFixed(3).replace(/\.?0+$/, '');
}
