import { EtcdError } from '../../src/etcd-errors.js';

/** The message of the etcd error `action` throws, or undefined when it succeeds; other errors propagate. */
export function etcdErrorOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (err) {
    if (err instanceof EtcdError) return err.message;
    throw err;
  }
}
