// Reading a member's /metrics in tests.

import { expect } from 'vitest';

/** The value of the sample `name` (without labels) in the Prometheus text `clientUrl`/metrics serves. */
export async function metricValue(clientUrl: string, name: string): Promise<number> {
  const metrics = await (await fetch(`${clientUrl}/metrics`)).text();
  const line = new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics);
  expect(line, `${name} is exported`).not.toBeNull();
  return Number(line![1]);
}
