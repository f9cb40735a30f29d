// The one part of go-yaml's output the `yaml` library cannot be told to write: a scalar as libyaml's
// emitter writes it. go-yaml picks a string's style by how it would resolve (quoting what YAML 1.1 or
// Go would read as a bool, number, null or time), libyaml then falls back from plain to single- to
// double-quoted by its own scalar analysis, escapes in its own way (\xXX upper case, \L, \N...), and
// folds a flow scalar at the first space past column 80, where the library folds before column 80.
// Numbers are Go's strconv 'g' format. go-yaml.ts places each scalar; this writes it.

const BEST_WIDTH = 80;

/** Where a scalar starts: its column, the indentation its continuation lines take, and whether it is a simple key. */
export interface Placement {
  readonly column: number;
  readonly indent: number;
  readonly key: boolean;
}

const OLD_BOOLS_AND_NULLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;
/** Go's time.Parse with go-yaml's layouts: the fields must be in range. */
function isTimestamp(s: string): boolean {
  if (!TIMESTAMP.test(s)) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = s.split(/[-Tt :.Z+]/).slice(0, 6).map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Whether go-yaml would read the string unquoted as something other than a string (so it quotes it). */
function resolvesToNonString(s: string): boolean {
  if (OLD_BOOLS_AND_NULLS.has(s)) return true;
  const first = s[0]!;
  if (first === '.') return YAML_FLOAT.test(s);
  if (!/[-+0-9]/.test(first)) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  return GO_INT.test(plain) || YAML_FLOAT.test(plain) || /^-?0b[01]+$/.test(plain) || BASE60_FLOAT.test(s);
}

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

interface Analysis {
  readonly plainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
function analyze(chars: readonly string[]): Analysis {
  if (chars.length === 0) return { plainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const text = chars.join('');
  let indicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingOrTrailing = false;
  let trailingSpace = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((c, i) => {
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) indicators = true;
      if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) indicators = true;
    } else if ((c === ':' && followedByWhitespace) || (c === '#' && precededByWhitespace)) {
      indicators = true;
    }
    if (!isPrintable(c)) special = true;
    const last = i === chars.length - 1;
    if (c === ' ') {
      if (i === 0 || last) leadingOrTrailing = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0 || last) leadingOrTrailing = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === '\0';
  });
  const unsafe = spaceBreak || special;
  return {
    plainAllowed: !(leadingOrTrailing || breakSpace || unsafe || lineBreaks || indicators),
    singleQuotedAllowed: !(breakSpace || unsafe),
    blockAllowed: !(trailingSpace || unsafe),
  };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\',
  '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

function escape(c: string): string {
  const named = ESCAPES[c];
  if (named) return `\\${named}`;
  const cp = c.codePointAt(0)!;
  const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${letter}${cp.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as go-yaml writes a float. */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 21 || (!Number.isInteger(n) && exp >= 6)) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** One scalar's text as libyaml writes it: columns count characters, a fold starts a line at the indentation. */
class ScalarText {
  text = '';
  private column: number;

  constructor(private readonly at: Placement) {
    this.column = at.column;
  }

  put(s: string): void {
    this.text += s;
    this.column += [...s].length;
  }

  /** Whether a space here may become a line break: past column 80, in a scalar that is not a simple key. */
  foldsHere(): boolean {
    return !this.at.key && this.column > BEST_WIDTH;
  }

  fold(): void {
    this.text += `\n${' '.repeat(this.at.indent)}`;
    this.column = this.at.indent;
  }

  /** A line break of the value itself, written as it is. */
  lineBreak(c: string): void {
    this.text += c;
    this.column = 0;
  }

  indent(): void {
    this.put(' '.repeat(this.at.indent - this.column));
  }
}

/** A space past column 80 (the first of a run, not before another) becomes a line break. */
function plain(out: ScalarText, chars: readonly string[]): void {
  let spaces = false;
  chars.forEach((c, i) => {
    if (c === ' ' && !spaces && chars[i + 1] !== ' ' && out.foldsHere()) out.fold();
    else out.put(c);
    spaces = c === ' ';
  });
}

/** As plain text, quotes doubled; a (printable, non-'\n') line break is kept, the next line indented. */
function singleQuoted(out: ScalarText, chars: readonly string[]): void {
  out.put("'");
  let spaces = false;
  let lineBreaks = false;
  chars.forEach((c, i) => {
    if (c === ' ') {
      if (!spaces && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ' && out.foldsHere()) out.fold();
      else out.put(c);
      spaces = true;
    } else if (isBreak(c)) {
      out.lineBreak(c);
      lineBreaks = true;
    } else {
      if (lineBreaks) out.indent();
      out.put(c === "'" ? "''" : c);
      spaces = false;
      lineBreaks = false;
    }
  });
  out.put("'");
}

/** Escaped as libyaml does; a folded run of spaces keeps its next space behind a backslash. */
function doubleQuoted(out: ScalarText, chars: readonly string[]): void {
  out.put('"');
  let spaces = false;
  chars.forEach((c, i) => {
    if (!isPrintable(c) || isBreak(c) || c === '"' || c === '\\') {
      out.put(escape(c));
      spaces = false;
    } else if (c === ' ') {
      if (!spaces && i !== 0 && i !== chars.length - 1 && out.foldsHere()) {
        out.fold();
        if (chars[i + 1] === ' ') out.put('\\');
      } else {
        out.put(c);
      }
      spaces = true;
    } else {
      out.put(c);
      spaces = false;
    }
  });
  out.put('"');
}

/** `|` with libyaml's indentation and chomping hints, each line at the indentation; the final line break is the caller's. */
function literal(out: ScalarText, chars: readonly string[]): void {
  let header = '|';
  if (chars[0] === ' ' || isBreak(chars[0])) header += '2';
  const last = chars.length - 1;
  if (!isBreak(chars[last])) header += '-';
  else if (last === 0 || isBreak(chars[last - 1])) header += '+';
  out.put(header);
  out.lineBreak('\n');
  let lineStart = true;
  chars.forEach((c, i) => {
    if (isBreak(c)) {
      if (i < last) out.lineBreak(c);
      lineStart = true;
    } else {
      if (lineStart) out.indent();
      lineStart = false;
      out.put(c);
    }
  });
}

/** A string in the style go-yaml and libyaml pick for it. */
function goString(s: string, at: Placement): string {
  const chars = [...s];
  const analysis = analyze(chars);
  const multiline = chars.some(isBreak);
  let style: 'plain' | 'single' | 'double' | 'literal' = s.includes('\n') ? 'literal' : resolvesToNonString(s) ? 'double' : 'plain';
  if (at.key && multiline) style = 'double';
  if (style === 'plain' && !analysis.plainAllowed) style = 'single';
  if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!analysis.blockAllowed || at.key)) style = 'double';
  const out = new ScalarText(at);
  ({ plain, single: singleQuoted, double: doubleQuoted, literal })[style](out, chars);
  return out.text;
}

/** A JSON scalar as go-yaml writes it at this place. */
export function goYamlScalar(value: unknown, at: Placement): string {
  if (typeof value === 'string') return goString(value, at);
  if (typeof value === 'number') return goFloat(value);
  return value === null || value === undefined ? 'null' : String(value as boolean);
}

/** libyaml writes a key longer than 128 bytes, or of several lines, as `? key` then `: value`. */
export const needsExplicitKey = (key: string): boolean => Buffer.byteLength(key) > 128 || [...key].some(isBreak);
