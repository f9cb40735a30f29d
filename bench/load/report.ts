// Printing a load report for people (stdout), and progress while a run goes on (stderr).

import type { LatencySummary } from './histogram.js';
import type { LoadReport, Progress } from './runner.js';

export function ms(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function latencyLine(l: LatencySummary): string {
  return `p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p99 ${ms(l.p99Ms)}  p99.9 ${ms(l.p999Ms)}  max ${ms(l.maxMs)}`;
}

export function formatReport(report: LoadReport): string {
  const unit = report.unit;
  const lines: string[] = [];
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${report.workload} against ${report.endpoints.join(',')} (${plural(report.workers, 'worker')}, ${plural(report.clients, 'client')}, ${plural(report.conns, 'connection')})`);
  lines.push('');
  lines.push('Summary:');
  lines.push(`  Elapsed:     ${report.elapsedSec.toFixed(3)} s`);
  lines.push(`  ${unit === 'events' ? 'Events:    ' : 'Requests:  '}  ${report.count} ok, ${report.errors} errors (of ${report.expected})`);
  lines.push(`  Throughput:  ${report.throughput.toFixed(1)} ${unit}/s`);
  lines.push(`  Client CPU:  ${report.clientCpuUsPerOp.toFixed(1)} µs per ${unit === 'events' ? 'event' : 'request'}`);
  if (report.eventResponses) {
    lines.push(`  Responses:   ${report.eventResponses} with events, ${(report.count / report.eventResponses).toFixed(1)} events each`);
  }
  lines.push('');
  const l = report.latency;
  lines.push(`Latency (ms${unit === 'events' ? ', put sent → event received' : ''}):`);
  lines.push(`  min ${ms(l.minMs)}  mean ${ms(l.meanMs)}  stddev ${ms(l.stddevMs)}`);
  lines.push(`  ${latencyLine(l)}`);
  if (report.histogram.length > 0) {
    lines.push('');
    lines.push('Histogram (ms):');
    const most = Math.max(...report.histogram.map((b) => b.count));
    for (const bucket of report.histogram) {
      const bar = '∎'.repeat(most > 0 ? Math.round((40 * bucket.count) / most) : 0);
      lines.push(`  ≤ ${ms(bucket.upToMs).padStart(8)}  [${String(bucket.count).padStart(7)}]  ${bar}`);
    }
  }
  for (const [name, part] of Object.entries(report.parts)) {
    lines.push('');
    lines.push(`${name} (${part.count}, ms): mean ${ms(part.meanMs)}  ${latencyLine(part)}`);
  }
  if (report.errors > 0) {
    lines.push('');
    lines.push('Errors:');
    for (const [message, n] of Object.entries(report.errorMessages).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(7)}  ${message}`);
  }
  return lines.join('\n');
}

/** Progress on stderr: a line rewritten in place on a terminal, a line every few seconds otherwise. */
export function progressPrinter(label: string): { update: (p: Progress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  let lastDone = 0;
  let lastAt = started;
  let printed = false;
  const line = (p: Progress): string => {
    const now = Date.now();
    const rate = now > lastAt ? ((p.done - lastDone) * 1000) / (now - lastAt) : 0;
    lastDone = p.done;
    lastAt = now;
    const of = p.expected > 0 ? `/${p.expected} (${Math.floor((100 * (p.done + p.errors)) / p.expected)}%)` : '';
    return `${label}: ${p.done}${of}, ${Math.round(rate)}/s now, ${p.errors} errors, ${((now - started) / 1000).toFixed(0)} s`;
  };
  return {
    update(p) {
      const now = Date.now();
      if (now - last < (tty ? 500 : 5000)) return;
      last = now;
      printed = true;
      process.stderr.write(tty ? `\r\x1b[K${line(p)}` : `${line(p)}\n`);
    },
    done() {
      if (tty && printed) process.stderr.write('\n');
    },
  };
}
