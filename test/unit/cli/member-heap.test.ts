import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../../src/cli/member-heap.js';

describe('a member limits its heap growth', () => {
  it('sets V8 growth when Node was started without one', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--max-old-space-size=512', '--heapsnapshot-signal=SIGUSR2'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it('leaves a growth chosen on Node’s command line alone, in either spelling', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=200'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap_growing_percent=10'])).toBeUndefined();
    expect(heapGrowthFlag(['--heap-growing-percent', '30'])).toBeUndefined();
  });
});
