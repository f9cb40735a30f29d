// The PatchError a call throws, for tests that check its code, reason and message.
import { PatchError } from '../../../../src/apiserver/patch/index.js';

export function catchPatchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}
