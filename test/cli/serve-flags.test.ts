// `dacu serve` and `dacu migrate` given flags that cannot work, as a user types them: a message
// naming the flag and what is wrong, exit 1, no stack trace, nothing left running or made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/dacu.js', import.meta.url));
const campaign = fileURLToPath(new URL('../fixtures/small-sale.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dacu-serve-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run that must end by itself: a server left listening would hit the timeout (status null). */
const dacu = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });

function refused(run: ReturnType<typeof dacu>, message: RegExp): void {
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('dacu serve / migrate with flags that cannot work', () => {
  it('refuses a bad --buyer-limit or --log-level before it starts anything, and exits', () => {
    const db = join(dir, 'limits.db');
    refused(
      dacu('serve', '--campaign', campaign, '--db', db, '--port', '0', '--buyer-limit', '5'),
      /--buyer-limit must be WRITES\/SECONDSs \(e\.g\. 20\/10s\) or off, got "5"/,
    );
    refused(
      dacu('serve', '--campaign', campaign, '--db', db, '--port', '0', '--log-level', 'loud'),
      /--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('takes a --db with a scheme other than postgres:// for a mistake, not a SQLite file name', () => {
    for (const db of ['mysql://x@y/z', 'postgress://localhost/sale', 'sqlite://sale.db']) {
      refused(dacu('migrate', '--db', db), /--db must be a SQLite file or a postgres:\/\/ URL, got "/);
      refused(dacu('serve', '--campaign', campaign, '--db', db, '--port', '0'), /--db must be a SQLite file/);
    }
    expect(existsSync(join(dir, 'mysql:'))).toBe(false);
  });

  it('says in one line that a PostgreSQL database cannot be reached, its password left out', () => {
    refused(
      dacu('serve', '--campaign', campaign, '--db', 'postgres://127.0.0.1:1/sale', '--port', '0'),
      /^--db postgres:\/\/127\.0\.0\.1:1\/sale: connect ECONNREFUSED 127\.0\.0\.1:1\n$/,
    );
    const secret = dacu(
      'redis',
      'check',
      '--campaign',
      campaign,
      '--db',
      'postgres://u:hush@127.0.0.1:1/sale',
      '--redis',
      'redis://127.0.0.1:1',
    );
    refused(secret, /--db postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/sale: connect ECONNREFUSED/);
    expect(secret.stderr).not.toContain('hush');
  });

  it('says when a file stands where the database directory should be', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a directory');
    refused(
      dacu('migrate', '--db', 'notes.txt/sale.db'),
      /--db notes\.txt\/sale\.db: cannot make the directory notes\.txt \(a file is in the way\)/,
    );
  });

  it('names the host it cannot listen on', () => {
    refused(
      dacu(
        'serve',
        '--campaign',
        campaign,
        '--db',
        join(dir, 'host.db'),
        '--port',
        '0',
        '--host',
        'no-such-host.invalid',
      ),
      /cannot listen on no-such-host\.invalid:0 \((ENOTFOUND|EAI_AGAIN)\)/,
    );
  });
});
