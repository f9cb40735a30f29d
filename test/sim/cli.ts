// `npm run sim -- --seeds N [--from S]` sweeps seeds; `--seed S [--trace]` replays one.
import { describeFailure } from './cli-format.js';
import { planFor, Simulation } from './simulation.js';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function runOne(seed: number, trace: boolean): void {
  const result = new Simulation(planFor(seed), trace).run();
  if (trace) for (const line of result.trace) console.log(line);
  console.log(JSON.stringify({ seed, ok: result.ok, traceHash: result.traceHash, stats: result.stats }));
  if (!result.ok) {
    console.error(describeFailure(result));
    process.exitCode = 1;
  }
}

function sweep(count: number, from: number, stopAtFirst: boolean): void {
  const started = Date.now();
  let failures = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = new Simulation(planFor(seed)).run();
    if (!result.ok) {
      failures++;
      console.error(`\n${describeFailure(result)}`);
      if (stopAtFirst) {
        console.log(`first failure at seed ${seed}, after ${seed - from + 1} seeds and ${((Date.now() - started) / 1000).toFixed(1)} s`);
        process.exitCode = 1;
        return;
      }
    }
    if (process.stderr.isTTY || (seed - from + 1) % 50 === 0 || seed === from + count - 1) {
      process.stderr.write(`\rseeds ${seed - from + 1}/${count}, failures ${failures}`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${count} seeds from ${from} in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} seeds/s), ${failures} failed`);
  if (failures > 0) process.exitCode = 1;
}

const one = flag('seed');
if (one !== undefined) runOne(Number(one), process.argv.includes('--trace'));
else sweep(Number(flag('seeds') ?? 100), Number(flag('from') ?? 1), process.argv.includes('--stop-at-first'));
