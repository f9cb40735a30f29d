// Child process for the backend crash test: applies entries after the backend's consistent index and
// commits them in batches of varying size (a few commits at a time, not waiting in between) until it is
// killed, printing `ack <index>` after each commit resolved. Usage: node --import tsx backend-crash-writer.ts <db-path> <seed>

import { KvApplier, MvccStore } from '../../../src/mvcc/index.js';
import { StateBackend } from '../../../src/storage/backend.js';
import { applyEntry } from './backend-crash-ops.js';

const [path, seedArg] = process.argv.slice(2);
if (path === undefined || seedArg === undefined) throw new Error('usage: backend-crash-writer <db-path> <seed>');
let seed = Number(seedArg);

const backend = await StateBackend.open(path);
const store = await MvccStore.open(backend);
const kv = new KvApplier(store);
let index = backend.consistentIndex;
for (;;) {
  // Up to three commits issued back to back, so that some share one LevelDB batch.
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const commits: Promise<void>[] = [];
  for (let c = 1 + ((seed >> 8) % 3); c > 0; c--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const batch = 1 + (seed % 20);
    for (let i = 0; i < batch; i++) {
      // A failed compaction ends the writer by itself, which the test reports with this stderr.
      applyEntry(store, kv, ++index)?.catch((err: unknown) => {
        process.stderr.write(`compaction failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
      });
    }
    const committed = index;
    commits.push(backend.commit(committed).then(() => void process.stdout.write(`ack ${committed}\n`)));
  }
  await Promise.all(commits);
}
