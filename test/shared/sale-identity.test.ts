// Which sale a database and a Redis hold (store/sql/sale-identity.ts), as an operator meets it
// when starting `dacu serve`: a database sells one campaign; two databases on one Redis never share
// counters; a Redis that lost the counters a database opened there is refused, not reopened from
// the campaign file (which would sell the stock a second time).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../src/store/sql/postgres-url.ts';
import { root, spawnServe } from '../support/serve-process.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../support/test-store.ts';
import { smallSale } from './shared-servers.ts';

const redis = new Redis(REDIS_URL);
const databases = [freshPostgresUrl(), freshPostgresUrl()] as const;
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await dropRedisPrefix(redis, prefix);
  await redis.quit();
  for (const db of databases) await dropTestSchema(db);
});

const serveArgs = (db: string, ...extra: string[]) => [
  '--campaign',
  smallSale,
  '--db',
  db,
  '--redis',
  REDIS_URL,
  ...extra,
];

/** `dacu serve` that must refuse to start: its exit status and what it said. */
function refusedServe(args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['bin/dacu.js', 'serve', ...args, '--port', '0'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr };
}

async function saleIdOf(db: string): Promise<string> {
  const { connectionString, schema } = parsePostgresUrl(db);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT value FROM ${schema}.sale WHERE key = 'sale_id'`);
    return rows[0].value as string;
  } finally {
    await client.end();
  }
}

describe('the sale a database and a Redis hold', () => {
  it('keys each database apart on one Redis, and refuses a prefix that holds another sale', async () => {
    const [a, b] = databases;
    // Two databases of the same campaign file on one Redis, with the default prefix.
    for (const db of [a, b]) {
      const server = await spawnServe(serveArgs(db));
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const ids = [await saleIdOf(a), await saleIdOf(b)];
    expect(ids[0]).not.toBe(ids[1]);
    prefixes.push(...ids.map((id) => `dacu:${id}`));
    for (const id of ids) expect(await redis.get(`dacu:${id}:sale`)).toBe(id);

    // The second database pointed at the first one's keys.
    const refused = refusedServe(serveArgs(b, '--redis-prefix', `dacu:${ids[0]}`));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `--redis: the keys under dacu:${ids[0]} belong to another sale (${ids[0]})`,
    );
  });

  it('refuses a Redis that lost the counters this database opened there', async () => {
    const [a] = databases;
    const prefix = `dacu:${await saleIdOf(a)}`;
    await dropRedisPrefix(redis, prefix); // Redis restarted without its AOF
    const refused = refusedServe(serveArgs(a));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("--redis: Redis has lost this sale's counters");
    expect(await redis.exists(`${prefix}:sale`)).toBe(0); // nothing reopened
  });

  it('refuses a database that holds another campaign', async () => {
    const [a] = databases;
    const other = join(root, 'test', 'fixtures', 'cockpit-campaign.yaml');
    const refused = refusedServe(['--campaign', other, '--db', a]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'this database holds the sale of campaign "small-sale", not "cockpit-test"',
    );
  });
});
