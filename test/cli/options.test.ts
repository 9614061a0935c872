// The command line as a user types it: a misspelt option is named (with commander's suggestion)
// before any required option it hides, and exits 1 having done nothing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/dacu.js', import.meta.url));
const dacu = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('dacu options', () => {
  it('names a misspelt option before the required option it hides, with a suggestion', () => {
    for (const spelling of [['--campain', 'x.yaml'], ['--campain=x.yaml']]) {
      const run = dacu('check', ...spelling);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("error: unknown option '--campain'");
      expect(run.stderr).toContain('Did you mean --campaign?');
      expect(run.stderr).not.toContain('required option');
    }
  });

  it('still says when a required option is missing, and still shows help', () => {
    expect(dacu('check').stderr).toContain("error: required option '--campaign <file>' not specified");
    const help = dacu('check', '--help');
    expect([help.status, help.stdout.startsWith('Usage: dacu check')]).toEqual([0, true]);
  });
});
