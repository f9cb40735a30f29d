// How a failing seed is reported: what broke, the last events, and the one command that replays it.
import type { SimulationResult } from './simulation.js';

export function replayCommand(seed: number): string {
  return `npm run sim -- --seed ${seed}`;
}

export function describeFailure(r: SimulationResult): string {
  const p = r.plan;
  return [
    `seed ${p.seed} FAILED (${p.members} members, election ${p.timings.electionTick} ticks): ${r.failure}`,
    'last events:',
    ...r.trace.slice(-25).map((line) => `  ${line}`),
    `replay: ${replayCommand(p.seed)} --trace`,
  ].join('\n');
}
