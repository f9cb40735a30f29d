// Waiting in tests, always bounded.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `pollMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, { timeoutMs = 10_000, pollMs = 10 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}
