import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The consensus core must stay deterministic and portable: no Node modules, no clocks, no ambient randomness.
const FORBIDDEN: readonly [RegExp, string][] = [
  [/from\s+['"]node:/, 'imports a node: module'],
  [/from\s+['"](fs|path|os|crypto|timers|child_process|net|http|events|util|zlib)['"]/, 'imports a Node built-in'],
  [/require\(/, 'uses require()'],
  [/Math\.random/, 'uses Math.random'],
  [/\bDate\b/, 'reads the clock'],
  [/performance\.now/, 'reads the clock'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'uses timers'],
  [/process\./, 'touches the process'],
  [/\bBuffer\b/, "uses Node's Buffer"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function violations(text: string): string[] {
  return FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, why]) => why);
}

describe('src/raft purity', () => {
  it('no file in src/raft imports Node modules, timers, clocks or Math.random', () => {
    const found = sourceFiles(join(import.meta.dirname, '../../../src/raft'))
      .map((file) => ({ file, why: violations(readFileSync(file, 'utf8')) }))
      .filter((v) => v.why.length > 0);
    expect(found).toEqual([]);
  });

  it('the checker itself flags each forbidden pattern', () => {
    expect(violations("import { readFileSync } from 'node:fs';")).toContain('imports a node: module');
    expect(violations('const x = Math.random();')).toContain('uses Math.random');
    expect(violations('setTimeout(() => 0, 1);')).toContain('uses timers');
    expect(violations('const now = Date.now();')).toContain('reads the clock');
    expect(violations("import x from 'crypto';")).toContain('imports a Node built-in');
  });
});
