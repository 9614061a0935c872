// Real `dacu serve` processes on one PostgreSQL schema and one Redis prefix, for the tests of the
// shared backend: started as a user would start them, killed like a crash.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { root, type ServeProcess, spawnServe } from '../support/serve-process.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../support/test-store.ts';

export const smallSale = join(root, 'test', 'fixtures', 'small-sale.yaml');

export interface SharedSale {
  /** postgres://…?schema=t_… of this test. */
  db: string;
  schema: string;
  /** The servers' Redis key prefix (derived from the schema and the campaign). */
  prefix: string;
  redis: Redis;
  start(env?: Record<string, string>, extra?: string[]): Promise<Server>;
  cleanUp(): Promise<void>;
}

export type Server = ServeProcess;

/** `redisUrl`: what the servers get as --redis (default REDIS_URL; seed nodes for a Redis Cluster). */
export function sharedSale(redisUrl = REDIS_URL): SharedSale {
  const db = freshPostgresUrl();
  const schema = new URL(db).searchParams.get('schema')!;
  const prefix = `dacu:${schema}`;
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  return {
    db,
    schema,
    prefix: `${prefix}:small-sale`,
    redis,
    async start(env = {}, extra = []) {
      const args = [
        '--campaign',
        smallSale,
        '--db',
        db,
        '--redis',
        redisUrl,
        '--redis-prefix',
        `${prefix}:small-sale`,
        ...extra,
      ];
      const server = await spawnServe(args, { env });
      children.push(server.child);
      return server;
    },
    async cleanUp() {
      for (const child of children) child.kill('SIGKILL');
      await dropRedisPrefix(redis, prefix);
      await redis.quit();
      await dropTestSchema(db);
    },
  };
}

export async function post(
  url: string,
  buyer: string,
  body: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-buyer-id': buyer, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** An admin account for the tests that read the live board: start the servers with this env. */
export const BOSS_ENV = { DACU_OPERATORS: 'boss:right-horse:admin' };

/** The session cookie of BOSS_ENV's admin on `server`. */
export async function signInBoss(server: Server): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'boss', password: 'right-horse' }),
  });
  if (res.status !== 200) throw new Error(`sign-in on ${server.url} answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** `dacu <args>` run to its end, without DATABASE_URL and REDIS_URL: only the flags name the sale. */
export function dacu(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const run = spawnSync(process.execPath, ['bin/dacu.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The flags that name a shared sale of the small campaign to `dacu redis …` and `dacu serve`. */
export function saleFlagsOf(sale: Pick<SharedSale, 'db' | 'prefix'>): string[] {
  return ['--campaign', smallSale, '--db', sale.db, '--redis', REDIS_URL, '--redis-prefix', sale.prefix];
}
