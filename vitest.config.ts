import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real processes; give them room but never unbounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time: most integration files wait on processes and timers rather than compute, and
    // one at a time on a 2-core CI machine took most of CI's 30 minutes.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
  },
});
