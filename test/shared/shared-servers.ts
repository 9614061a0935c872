// Real `dacu serve` processes on one PostgreSQL schema and one Redis prefix, for the tests of the
// shared backend: started as a user would start them, killed like a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/support/free-port.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../support/test-store.ts';

export const root = join(import.meta.dirname, '..', '..');
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

export interface Server {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has gone, with its exit signal. */
  exited: Promise<NodeJS.Signals | null>;
}

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
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [
          'bin/dacu.js',
          'serve',
          '--campaign',
          smallSale,
          '--db',
          db,
          '--redis',
          redisUrl,
          '--port',
          String(port),
          '--log-level',
          'warn',
          ...extra,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
      );
      children.push(child);
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_, s) => resolve(s)),
      );
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300; i++) {
        if (child.exitCode !== null) break;
        try {
          if ((await fetch(`${url}/health`)).ok) return { url, child, exited };
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`dacu serve did not start:\n${output}`);
    },
    async cleanUp() {
      for (const child of children) child.kill('SIGKILL');
      await dropRedisPrefix(redis, prefix);
      await redis.quit();
      await dropTestSchema(db);
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
export async function post(
  url: string,
  buyer: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-buyer-id': buyer, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
