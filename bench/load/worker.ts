// A forked load worker: runs one share of a load spec for the parent (see runner.ts), talking over IPC.

import type { LoadSpec } from './options.js';
import { runShare } from './workloads.js';

type ParentMessage = { type: 'run'; spec: LoadSpec; index: number; workers: number } | { type: 'go' };

let go: (() => void) | undefined;
const started = new Promise<void>((resolve) => (go = resolve));

function send(message: object): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

process.on('message', (message: ParentMessage) => {
  if (message.type === 'go') {
    go!();
    return;
  }
  const { spec, index, workers } = message;
  runShare(spec, index, workers, {
    // A lost progress report only costs the parent a line; the result or failure still follows.
    progress: (done, errors) => void send({ type: 'progress', done, errors }).catch((err: unknown) => process.stderr.write(`progress report not sent: ${errorText(err)}\n`)),
    ready: async () => {
      await send({ type: 'ready' });
      await started;
    },
  })
    .then((result) => send({ type: 'result', result }))
    .catch((err: unknown) => send({ type: 'failed', message: errorText(err) }))
    .finally(() => process.exit(0));
});

// The parent going away ends the worker too.
process.on('disconnect', () => process.exit(1));
