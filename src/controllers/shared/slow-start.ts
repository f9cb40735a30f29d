// controller.slowStartBatch: call `fn` count times in batches of 1, 2, 4, … so a failing create (quota,
// admission) costs one call rather than hundreds; stops after the first batch with an error.

export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    successes += results.filter((result) => result.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason)) };
    remaining -= batch;
  }
  return { successes };
}
