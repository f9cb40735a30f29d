// Field selectors as kube-apiserver takes them: `f=v`, `f==v`, `f!=v` joined by commas, over
// metadata.name, metadata.namespace and the fields the kind makes selectable; any other field is a 400.

import { badRequest } from '../errors/status.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';

interface FieldRequirement {
  readonly field: string;
  readonly equal: boolean;
  readonly value: string;
}

export type FieldMatcher = (obj: KubeObject) => boolean;

/** Splits on unescaped commas; `\,` `\=` `\\` are escapes. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i]!;
    if (ch === '\\' && i + 1 < selector.length) {
      current += ch + selector[++i]!;
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms;
}

const unescape = (text: string): string => text.replace(/\\(.)/g, '$1');

function parseTerm(term: string): FieldRequirement {
  const m = /^((?:[^\\=!]|\\.)*?)(!=|==|=)(.*)$/.exec(term);
  if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
  return { field: unescape(m[1]!.trim()), equal: m[2] !== '!=', value: unescape(m[3]!) };
}

export interface ParsedFieldSelector {
  readonly matches: FieldMatcher;
  /** The value `metadata.name=` asks for, when it does (a watch of one object). */
  readonly name?: string;
  /** The fields a term requires to equal a value (`f=v`, `f==v`): what a watch cache indexes watchers by. */
  readonly required: ReadonlyMap<string, string>;
}

export function parseFieldSelector(selector: string | undefined, spec: ResourceSpec): ParsedFieldSelector {
  if (selector === undefined || selector.trim() === '') return { matches: () => true, required: new Map() };
  const requirements = splitTerms(selector)
    .filter((t) => t.trim() !== '')
    .map(parseTerm);
  const getters: ((obj: KubeObject) => string | undefined)[] = requirements.map((r) => {
    if (r.field === 'metadata.name') return (obj) => obj.metadata?.name ?? '';
    if (r.field === 'metadata.namespace') return (obj) => obj.metadata?.namespace ?? '';
    const getter = spec.fieldSelectors[r.field];
    if (!getter) throw badRequest(`field label not supported: ${r.field}`);
    return getter;
  });
  const name = requirements.find((r) => r.field === 'metadata.name' && r.equal)?.value;
  return {
    matches: (obj) => requirements.every((r, i) => ((getters[i]!(obj) ?? '') === r.value) === r.equal),
    required: new Map(requirements.filter((r) => r.equal).map((r) => [r.field, r.value])),
    ...(name !== undefined ? { name } : {}),
  };
}
