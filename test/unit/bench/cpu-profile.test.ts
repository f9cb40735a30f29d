import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSummary, nameProfiles, profilingNodeOptions, summarizeProfile } from '../../../bench/density/cpu-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'barge-cpu-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A process that spends most of its time in one named function, then exits as the components do.
const PROGRAM = `
function spinHere(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
function caller() { return spinHere(400); }
caller();
process.exit(0);
`;

describe('CPU profiles of child processes through NODE_OPTIONS', () => {
  it('profiles a child started with the options, names the file by component and ranks the busy function first', () => {
    const child = spawnSync(process.execPath, ['-e', PROGRAM], { env: { ...process.env, NODE_OPTIONS: profilingNodeOptions(dir) }, timeout: 60_000 });
    expect(child.status).toBe(0);
    expect(readdirSync(dir)).toContain(`${child.pid}.cpuprofile`);

    const files = nameProfiles(dir, new Map([['spinner', child.pid!], ['never started', 1]]));
    expect([...files.keys()]).toEqual(['spinner']);
    expect(files.get('spinner')).toBe(join(dir, 'spinner.cpuprofile'));

    const summary = summarizeProfile(files.get('spinner')!);
    const busiest = [...summary.functions].sort((a, b) => b.selfMs - a.selfMs)[0]!;
    expect(busiest.name).toMatch(/^spinHere /);
    // Under load the child may be descheduled, so only a floor: most of its 400 ms spin was sampled.
    expect(busiest.selfMs).toBeGreaterThan(100);
    // Inclusive time of the caller covers the callee.
    const caller = summary.functions.find((f) => f.name.startsWith('caller '))!;
    expect(caller.totalMs).toBeGreaterThanOrEqual(busiest.selfMs);
    expect(caller.selfMs).toBeLessThan(busiest.selfMs);
    expect(formatSummary('spinner', summary)).toContain('spinHere');
  });
});
