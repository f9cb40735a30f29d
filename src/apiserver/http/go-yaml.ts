// YAML as kube-apiserver writes it: its YAML serializer turns the object's JSON into YAML with
// sigs.k8s.io/yaml (go-yaml v2 underneath), so keys come out in go-yaml's natural order, sequences sit
// at their key's indentation, strings take the plain, single-quoted, double-quoted or literal style
// libyaml's emitter picks for them, and long ones fold past column 80. Written for JSON values only.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const BEST_WIDTH = 80;
const INDENT = 2;

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);

/** go-yaml's map key order for string keys: letter by letter, digit runs by their number. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i]!;
    const bc = br[i]!;
    if (ac === bc) {
      digits = isDigit(ac);
      continue;
    }
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac.codePointAt(0)! < bc.codePointAt(0)!;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac.codePointAt(0)! < bc.codePointAt(0)!;
  }
  return ar.length < br.length;
}

const OLD_BOOLS_AND_NULLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?))?$/;
/** Go's time.Parse with go-yaml's layouts: the fields must be in range. */
function isTimestamp(s: string): boolean {
  const match = TIMESTAMP.exec(s);
  if (!match) return false;
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

const isBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isBlankOrEnd = (c: string | undefined): boolean => c === undefined || isBlank(c) || isBreak(c) || c === '\0';

function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

interface Analysis {
  readonly multiline: boolean;
  readonly plainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
function analyze(chars: readonly string[]): Analysis {
  if (chars.length === 0) return { multiline: false, plainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
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
    precededByWhitespace = isBlankOrEnd(c);
  });
  const unsafe = spaceBreak || special;
  return {
    multiline: lineBreaks,
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

class Emitter {
  private out = '';
  private column = 0;
  /** libyaml's flags: the last thing written was whitespace; nothing but indentation is on this line. */
  private whitespace = true;
  private indention = true;

  /** Text on the current line; a dash keeps the line an indentation (what follows it may go beside it). */
  private put(text: string, dash = false): void {
    this.out += text;
    this.column += [...text].length;
    this.whitespace = false;
    this.indention &&= dash;
  }

  private lineBreak(c = '\n'): void {
    this.out += c;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  /** libyaml's yaml_emitter_write_indent: a new line unless this one is still bare, then up to `indent`. */
  private indentTo(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    this.out += ' '.repeat(indent - this.column);
    this.column = indent;
    this.whitespace = true;
    this.indention = true;
  }

  document(value: Json): string {
    this.node(value, 0, 'root');
    if (this.column > 0) this.lineBreak();
    return this.out;
  }

  /**
   * A value. `indent` is the emitter's indentation inside it: where a mapping's keys go, where a
   * scalar's folded lines continue; a sequence under a key sits at the key's own column.
   */
  private node(value: Json, indent: number, place: 'root' | 'value' | 'item'): void {
    if (Array.isArray(value)) {
      if (value.length === 0) return this.scalarText('[]');
      const at = place === 'value' ? indent - INDENT : indent;
      for (const item of value) {
        this.indentTo(at);
        this.put('-', true);
        this.node(item, at + INDENT, 'item');
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
      if (keys.length === 0) return this.scalarText('{}');
      for (const key of keys) {
        this.indentTo(indent);
        // libyaml writes a key longer than 128 bytes, or of several lines, as `? key` then `: value`.
        if (Buffer.byteLength(key) > 128 || [...key].some(isBreak)) {
          this.put('?', true);
          this.string(key, indent + INDENT, false);
          this.indentTo(indent);
          this.put(':', true);
          this.node(value[key]!, indent + INDENT, 'item');
          continue;
        }
        this.string(key, indent, true);
        this.put(':');
        this.node(value[key]!, indent + INDENT, 'value');
      }
      return;
    }
    if (typeof value === 'string') return this.string(value, indent, false);
    if (typeof value === 'number') return this.scalarText(goFloat(value));
    this.scalarText(value === null ? 'null' : String(value));
  }

  private scalarText(text: string): void {
    if (!this.whitespace) this.put(' ');
    this.put(text);
  }

  /** A string in the style go-yaml and libyaml pick; a key is never folded. */
  private string(s: string, indent: number, key: boolean): void {
    const chars = [...s];
    const analysis = analyze(chars);
    let style: 'plain' | 'single' | 'double' | 'literal' = s.includes('\n') ? 'literal' : resolvesToNonString(s) ? 'double' : 'plain';
    if (key && analysis.multiline) style = 'double';
    if (style === 'plain' && !analysis.plainAllowed) style = 'single';
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || key)) style = 'double';
    const breaks = !key;
    if (!this.whitespace) this.put(' ');
    if (style === 'plain') return this.plain(chars, indent, breaks);
    if (style === 'single') return this.singleQuoted(chars, indent, breaks);
    if (style === 'double') return this.doubleQuoted(chars, indent, breaks);
    this.literal(chars, indent);
  }

  /** A space past column 80 (the first of a run, not before another) becomes a line break. */
  private plain(chars: readonly string[], indent: number, breaks: boolean): void {
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === ' ') {
        if (breaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.indentTo(indent);
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    });
  }

  /** As plain text, quotes doubled, and a line break kept as one (a '\n' written twice, as YAML folds one). */
  private singleQuoted(chars: readonly string[], indent: number, breaks: boolean): void {
    this.put("'");
    let spaces = false;
    let lineBreaks = false;
    chars.forEach((c, i) => {
      if (c === ' ') {
        if (breaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') this.indentTo(indent);
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!lineBreaks && c === '\n') this.lineBreak();
        this.lineBreak(c);
        lineBreaks = true;
      } else {
        if (lineBreaks) this.indentTo(indent);
        this.put(c === "'" ? "''" : c);
        spaces = false;
        lineBreaks = false;
      }
    });
    this.put("'");
  }

  private doubleQuoted(chars: readonly string[], indent: number, breaks: boolean): void {
    this.put('"');
    let spaces = false;
    chars.forEach((c, i) => {
      if (!isPrintable(c) || isBreak(c) || c === '"' || c === '\\') {
        this.put(escape(c));
        spaces = false;
      } else if (c === ' ') {
        if (breaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.indentTo(indent);
          if (chars[i + 1] === ' ') this.put('\\');
        } else {
          this.put(c);
        }
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    });
    this.put('"');
  }

  /** `|` with libyaml's indentation and chomping hints, each line at `indent`. */
  private literal(chars: readonly string[], indent: number): void {
    let header = '|';
    if (chars[0] === ' ' || isBreak(chars[0]!)) header += String(INDENT);
    const last = chars.length - 1;
    if (!isBreak(chars[last]!)) header += '-';
    else if (last === 0 || isBreak(chars[last - 1]!)) header += '+';
    this.put(header);
    this.lineBreak();
    let lineStart = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.lineBreak(c);
        lineStart = true;
      } else {
        if (lineStart) this.indentTo(indent);
        lineStart = false;
        this.put(c);
      }
    }
  }
}

/**
 * sigs.k8s.io/yaml reads the JSON back as YAML, where a raw NEL (which Go's JSON leaves unescaped) is a
 * line break inside a double-quoted scalar: folded, with the blanks around it, into a space (or into
 * one newline fewer than there were breaks).
 */
const foldNel = (_key: string, v: unknown): unknown =>
  typeof v === 'string' && v.includes('\u0085') ? v.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (run) => { const n = run.split('\u0085').length - 1; return n === 1 ? ' ' : '\n'.repeat(n - 1); }) : v;

/** The YAML document kube-apiserver answers for a JSON value (`Accept: application/yaml`). */
export function goYaml(value: unknown): string {
  return new Emitter().document(JSON.parse(JSON.stringify(value), foldNel) as Json);
}
