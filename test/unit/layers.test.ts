import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// src is built in layers: a file imports files of its own unit and of the layers below, never one above
// or a sibling unit of its own layer, and no chain of imports between src files comes back to its start.
// Type-only and dynamic imports count too: they tie the concepts together all the same.

interface Unit {
  readonly name: string;
  /** Paths under src: a folder ends with '/'; the longest match decides a file's unit. */
  readonly paths: readonly string[];
  /** Units of its own layer it may import as well. */
  readonly alsoImports?: readonly string[];
}

/** Bottom up. */
const LAYERS: readonly (readonly Unit[])[] = [
  [{ name: 'shared', paths: ['etcd-errors.ts', 'types/', 'shared/'] }],
  [{ name: 'raft', paths: ['raft/'] }],
  [{ name: 'storage', paths: ['storage/'] }],
  [
    { name: 'mvcc', paths: ['mvcc/'] },
    { name: 'lease', paths: ['lease/'] },
    { name: 'pki', paths: ['pki/'] },
  ],
  // etcd's database file maps Barge's records, so it sits above the state machine's codecs.
  [{ name: 'snapshot format', paths: ['storage/etcd-db/', 'storage/snapshot-file.ts'] }],
  // The gRPC API's messages and their conversions, for both ends of it.
  [{ name: 'wire', paths: ['wire/'] }],
  [{ name: 'auth', paths: ['auth/'] }],
  // A member; and what talks to members over gRPC only: the etcd client (bargectl's, shared with the
  // apiserver) and the apiserver, which never reaches into a member's internals.
  [
    { name: 'server', paths: ['server/'] },
    { name: 'etcd client', paths: ['client/etcd/', 'cli/ctl/'] },
    { name: 'kube client', paths: ['client/kube/'] },
    { name: 'apiserver', paths: ['apiserver/'], alsoImports: ['etcd client'] },
  ],
  [
    { name: 'api', paths: ['api/'] },
    // Clients of the apiserver only: they must work unchanged against a real kube-apiserver.
    { name: 'scheduler', paths: ['scheduler/'], alsoImports: ['controllers'] },
    { name: 'controllers', paths: ['controllers/'] },
    { name: 'kubelet', paths: ['kubelet/'] },
  ],
  [{ name: 'programs', paths: ['cli/', 'embedded.ts', 'index.ts'] }],
];

// Imports that break the order today. This list must only shrink: a new violation fails, and so does an
// entry that no longer occurs. Most go away as proto.ts and convert.ts move from src/server to src/wire;
// `snapshot restore` builds a member's data dir offline (etcdctl 3.4 carries etcd's server code for it
// too), so its place is beside the programs rather than in the client.
const KNOWN_VIOLATIONS: readonly string[] = [
  'cli/ctl/snapshot.ts -> cli/flags.ts',
  'cli/ctl/snapshot.ts -> server/data-dir-from-snapshot.ts',
];

// Cycles today (type-only ones); like the list above, it must only shrink.
const KNOWN_CYCLES: readonly string[] = [
  // Type-only: the context carries the chain, and a plugin's request carries the context.
  'apiserver/admission/admission-chain.ts -> apiserver/context.ts -> apiserver/admission/admission-chain.ts',
  'lease/expiry-queue.ts -> lease/lessor.ts -> lease/expiry-queue.ts',
];

const SRC = resolve(import.meta.dirname, '../../src');

// Static imports and re-exports (from the start of a line, over several lines if need be) and dynamic ones.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The src-relative paths of the src files `text` (the file at `file`) imports; packages are left out. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]!);
  const local = specifiers.filter((s) => s.startsWith('./') || s.startsWith('../'));
  return [...new Set(local.map((s) => join(dirname(file), s).replace(/\.js$/, '.ts')))].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every src file (src-relative) and the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    graph.set(file, importsOf(file, readFileSync(path, 'utf8')));
  }
  return graph;
}

interface Placed {
  readonly unit: Unit;
  readonly layer: number;
}

function placeOf(file: string): Placed | undefined {
  let best: (Placed & { length: number }) | undefined;
  LAYERS.forEach((units, layer) => {
    for (const unit of units) {
      for (const path of unit.paths) {
        const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
        if (matches && path.length > (best?.length ?? -1)) best = { unit, layer, length: path.length };
      }
    }
  });
  return best && { unit: best.unit, layer: best.layer };
}

/** Why `from` may not import `to`, or undefined when it may. */
function layerViolation(from: string, to: string): string | undefined {
  const a = placeOf(from);
  const b = placeOf(to);
  if (!a) return `${from} is in no unit of LAYERS`;
  if (!b) return `${to} is in no unit of LAYERS`;
  if (a.unit === b.unit || b.layer < a.layer) return undefined;
  if (b.layer === a.layer && a.unit.alsoImports?.includes(b.unit.name)) return undefined;
  return `${from} -> ${to}`;
}

function layerViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found = [...graph].flatMap(([from, imports]) => imports.map((to) => layerViolation(from, to)));
  return found.filter((v): v is string => v !== undefined).sort();
}

/** Each cycle once, as the chain from its smallest file back to it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const start = path.indexOf(next);
      if (start >= 0) {
        const loop = path.slice(start);
        const first = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        found.add([...rotated, rotated[0]].join(' -> '));
      } else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return [...found].sort();
}

describe('src layering', () => {
  const graph = importGraph();

  it('no file imports a layer above its own or a sibling unit (beyond the known list)', () => {
    expect(layerViolations(graph)).toEqual(KNOWN_VIOLATIONS);
  });

  it('no import cycle between src files (beyond the known list)', () => {
    expect(cycles(graph)).toEqual(KNOWN_CYCLES);
  });

  it('every file it checks resolves to a src file', () => {
    const missing = [...graph.values()].flat().filter((to) => !graph.has(to));
    expect(missing).toEqual([]);
  });
});

describe('the layering checker itself', () => {
  it('reads static, type-only, multi-line, re-exported and dynamic imports, and skips packages', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../raft/b.js';",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "import './side-effect.js';",
      "const g = await import('../storage/g.js');",
      "import { h } from 'node:fs';",
    ].join('\n');
    expect(importsOf('server/x.ts', text)).toEqual(['raft/b.ts', 'server/a.ts', 'server/c.ts', 'server/e.ts', 'server/f.ts', 'server/side-effect.ts', 'storage/g.ts']);
  });

  it('allows downward and same-unit imports and flags upward, sideways and unplaced ones', () => {
    expect(layerViolation('server/etcd-server.ts', 'raft/raft.ts')).toBeUndefined();
    expect(layerViolation('server/a.ts', 'server/b.ts')).toBeUndefined();
    expect(layerViolation('apiserver/a.ts', 'client/etcd/store.ts')).toBeUndefined();
    expect(layerViolation('raft/raft.ts', 'storage/backend.ts')).toBe('raft/raft.ts -> storage/backend.ts');
    expect(layerViolation('mvcc/a.ts', 'lease/b.ts')).toBe('mvcc/a.ts -> lease/b.ts');
    expect(layerViolation('apiserver/a.ts', 'server/etcd-server.ts')).toBe('apiserver/a.ts -> server/etcd-server.ts');
    expect(layerViolation('cli/ctl/kv.ts', 'server/convert.ts')).toBe('cli/ctl/kv.ts -> server/convert.ts');
    expect(layerViolation('cli/barge.ts', 'server/etcd-server.ts')).toBeUndefined();
    expect(layerViolation('elsewhere/a.ts', 'raft/raft.ts')).toBe('elsewhere/a.ts is in no unit of LAYERS');
  });

  it('finds each cycle once', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts', 'd.ts -> d.ts']);
  });
});
