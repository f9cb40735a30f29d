// YAML as kube-apiserver writes it: its YAML serializer turns the object's JSON into YAML with
// sigs.k8s.io/yaml (go-yaml v2 underneath). The `yaml` library lays the document out as go-yaml does
// (two-space indentation, sequences at their key's column, `[]` and `{}` for empty collections, keys
// in go-yaml's order); each scalar is written by go-yaml-scalar.ts, which the library cannot be told
// to imitate.

import { Document, isScalar, Scalar, type Pair, type ScalarTag } from 'yaml';
import { goYamlScalar, needsExplicitKey } from './go-yaml-scalar.js';

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

const keyOf = (pair: Pair): string => String(isScalar(pair.key) ? pair.key.value : pair.key);
const byGoKeyOrder = (a: Pair, b: Pair): number => {
  const [x, y] = [keyOf(a), keyOf(b)];
  return goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0;
};

/**
 * Every JSON scalar (the only tag: no `!!str`-style tags are ever written), placed where the library
 * puts it: a simple key; a map value after `key: ` (indentAtStart counts from the parent's indentation);
 * anything else (a sequence item, an explicit key or its value, the root) at the indentation itself.
 */
const GO_SCALAR: ScalarTag = {
  tag: 'tag:yaml.org,2002:str',
  default: true,
  identify: (value) => value === null || typeof value !== 'object',
  resolve: (text) => text,
  // The library writes `? key` for a block-scalar key; stringify below still writes the key its own way.
  createNode: (_schema, value) => {
    const node = new Scalar(value);
    if (typeof value === 'string' && needsExplicitKey(value)) node.type = Scalar.BLOCK_LITERAL;
    return node;
  },
  stringify: (item, ctx) => {
    const indent = ctx.indent.length;
    const key = ctx.implicitKey === true;
    const column = key ? 0 : ctx.indentAtStart === undefined ? indent : indent - ctx.indentStep.length + ctx.indentAtStart;
    return goYamlScalar(item.value, { column, indent, key });
  },
};

/**
 * sigs.k8s.io/yaml reads the JSON back as YAML, where a raw NEL (which Go's JSON leaves unescaped) is a
 * line break inside a double-quoted scalar: folded, with the blanks around it, into a space (or into
 * one newline fewer than there were breaks).
 */
const foldNel = (_key: string, v: unknown): unknown =>
  typeof v === 'string' && v.includes('\u0085') ? v.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (run) => { const n = run.split('\u0085').length - 1; return n === 1 ? ' ' : '\n'.repeat(n - 1); }) : v;

/** The YAML document kube-apiserver answers for a JSON value (`Accept: application/yaml`). */
export function goYaml(value: unknown): string {
  const json: unknown = JSON.parse(JSON.stringify(value), foldNel);
  const doc = new Document(json, { schema: 'failsafe', customTags: (tags) => [GO_SCALAR, ...tags], sortMapEntries: byGoKeyOrder, aliasDuplicateObjects: false });
  return doc.toString({ indent: 2, indentSeq: false });
}
