// Prints one plain closing line, "N passed, N failed, N skipped", that any CI log reader understands,
// after the slowest test files (CI must stay under 30 minutes: this says where the time goes).
import type { Reporter, TestModule } from 'vitest/node';

export class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const slowest = [...testModules].sort((a, b) => b.diagnostic().duration - a.diagnostic().duration).slice(0, 15);
    process.stdout.write('\nslowest test files:\n');
    for (const module of slowest) process.stdout.write(`${(module.diagnostic().duration / 1000).toFixed(1).padStart(8)} s  ${module.relativeModuleId}\n`);
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests to count; count it as a failure.
      if (module.state() === 'failed' && !module.children.size) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
