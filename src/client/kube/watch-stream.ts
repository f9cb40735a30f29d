// A watch response body: one JSON event per line, read until the server ends the stream or we stop it.

import type { IncomingMessage } from 'node:http';
import type { KubeObject, WatchEvent } from './objects.js';

export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  /** Closes the connection; iteration then ends. */
  stop(): void;
}

export function watchStream<T extends KubeObject>(response: IncomingMessage, stop: () => void): WatchStream<T> {
  return {
    stop,
    async *[Symbol.asyncIterator]() {
      let buffered = '';
      response.setEncoding('utf8');
      // A reset connection is reported to the iterator; the emitter must not also throw it.
      response.on('error', () => undefined);
      try {
        for await (const chunk of response as AsyncIterable<string>) {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) yield JSON.parse(line) as WatchEvent<T>;
          }
        }
      } catch (error) {
        // A stopped or reset connection simply ends the stream; the caller re-watches from its last RV.
        if (!isConnectionEnd(error)) throw error;
      } finally {
        stop();
      }
      const rest = buffered.trim();
      if (rest) yield JSON.parse(rest) as WatchEvent<T>;
    },
  };
}

function isConnectionEnd(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR' || (error as Error).name === 'AbortError';
}
