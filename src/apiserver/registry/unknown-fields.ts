// Fields the schema does not know, by path (`.spec.foo`, `.spec.containers[0].bar`, `.metadata.labels["x"]`
// is never one): removed from an object as kube-apiserver's decoder drops them under Warn and Ignore.

function pathTokens(path: string): (string | number)[] {
  const tokens: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[(?:"((?:[^"\\]|\\.)*)")\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else tokens.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return tokens;
}

/** Deletes each path's last field from `obj` (mutates). */
export function dropFields(obj: Record<string, unknown>, paths: readonly string[]): void {
  for (const path of paths) {
    const tokens = pathTokens(path);
    let parent: unknown = obj;
    for (const token of tokens.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string | number, unknown>)[token];
    }
    const last = tokens[tokens.length - 1];
    if (last !== undefined && parent !== null && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[String(last)];
  }
}

/** A path as kube-apiserver's messages name it: without the leading dot. */
export function fieldName(path: string): string {
  return path.startsWith('.') ? path.slice(1) : path;
}
