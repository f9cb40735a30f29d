// Flag values shared by barge and bargectl, parsed as etcd parses them.

export function urlList(value: string): string[] {
  return value.split(',').map((u) => u.trim()).filter((u) => u.length > 0);
}

/** "a=http://h:1,b=http://h:2,a=http://h:3" → a → [h:1, h:3], b → [h:2] */
export function parseInitialCluster(value: string): Map<string, string[]> {
  const cluster = new Map<string, string[]>();
  for (const part of urlList(value)) {
    const at = part.indexOf('=');
    if (at <= 0) throw new Error(`invalid --initial-cluster entry "${part}" (expected name=peer-url)`);
    const name = part.slice(0, at);
    cluster.set(name, [...(cluster.get(name) ?? []), part.slice(at + 1)]);
  }
  return cluster;
}
