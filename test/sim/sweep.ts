// Shared body of the CI seed sweeps: each file runs its own range so vitest spreads them over cores.
import { expect, it } from 'vitest';
import { describeFailure } from './cli-format.js';
import { planFor, Simulation } from './simulation.js';

export function sweepSeeds(from: number, count: number): void {
  it(`seeds ${from}..${from + count - 1} keep every safety invariant and recover after healing`, () => {
    const failures: string[] = [];
    for (let seed = from; seed < from + count; seed++) {
      const result = new Simulation(planFor(seed)).run();
      if (!result.ok) failures.push(describeFailure(result));
    }
    expect(failures.join('\n\n')).toBe('');
  }, 300_000);
}
