// Script files in the style of Go's datadriven package: each case is a command line, a `----` line, and
// the expected output up to the next blank line. Lines starting with `#` between cases are comments.
// Running a file yields the actual output of each case; rewriting puts that output in place of the
// expected one and keeps everything else (comments, spacing) as it was.

export interface Arg {
  readonly key: string;
  /** `key=v` gives [v], `key=(a,b)` gives [a, b], a bare word gives []. */
  readonly values: readonly string[];
}

export interface ScriptCase {
  /** file:line of the command, for failure messages. */
  readonly pos: string;
  /** The command line as written. */
  readonly line: string;
  readonly command: string;
  readonly args: readonly Arg[];
  readonly expected: string;
  /** The expected output's lines in the file: [first, end). */
  readonly outputLines: readonly [number, number];
}

export const SEPARATOR = '----';

function parseArgs(words: readonly string[]): Arg[] {
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) return { key: word, values: [] };
    const value = word.slice(eq + 1);
    const list = value.startsWith('(') && value.endsWith(')');
    return { key: word.slice(0, eq), values: list ? value.slice(1, -1).split(',').filter((v) => v !== '') : [value] };
  });
}

/** The cases of a script; `name` labels their positions. */
export function parseScript(name: string, text: string): ScriptCase[] {
  const lines = text.split('\n');
  const cases: ScriptCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const pos = `${name}:${i + 1}`;
    if (lines[i + 1] !== SEPARATOR) throw new Error(`${pos}: expected ${SEPARATOR} after the command`);
    const [command, ...words] = line.split(/\s+/);
    const first = i + 2;
    let end = first;
    while (end < lines.length && lines[end] !== '') end++;
    cases.push({ pos, line, command: command!, args: parseArgs(words), expected: lines.slice(first, end).join('\n'), outputLines: [first, end] });
    i = end;
  }
  return cases;
}

/** The script with each case's expected output replaced by `actual` (in case order). */
export function rewriteScript(text: string, cases: readonly ScriptCase[], actual: readonly string[]): string {
  const lines = text.split('\n');
  // From the last case back, so earlier line numbers stay valid.
  for (let c = cases.length - 1; c >= 0; c--) {
    const [first, end] = cases[c]!.outputLines;
    lines.splice(first, end - first, ...actual[c]!.split('\n'));
  }
  return lines.join('\n');
}
