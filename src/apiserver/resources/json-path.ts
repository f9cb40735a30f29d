// The simple JSONPath subset CRD printer columns and selectable fields use: `.a.b`, `.a[0].b`,
// `.a[?(@.type=="Ready")].status`. Returns the first match.
import { isRecord } from './json-access.js';

const STEP = /\.([^.[\]]+)|\[(\d+)\]|\[\?\(@\.([^=!]+)\s*==\s*["']([^"']*)["']\)\]/gy;

export function jsonPathValue(root: unknown, path: string): unknown {
  const text = path.trim().replace(/^\{(.*)\}$/, '$1');
  let current: unknown = root;
  STEP.lastIndex = 0;
  let consumed = 0;
  for (let match = STEP.exec(text); match; match = STEP.exec(text)) {
    consumed = STEP.lastIndex;
    if (match[1] !== undefined) current = isRecord(current) ? current[match[1]] : undefined;
    else if (match[2] !== undefined) current = Array.isArray(current) ? current[Number(match[2])] : undefined;
    else {
      const [field, wanted] = [match[3]!.trim(), match[4]];
      current = Array.isArray(current) ? current.find((item) => isRecord(item) && String(item[field]) === wanted) : undefined;
    }
    if (current === undefined) return undefined;
  }
  return consumed === text.length ? current : undefined;
}
