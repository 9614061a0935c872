// Test helpers for the Redis hot ledger: real Redis at REDIS_URL, a unique key prefix per test so
// parallel test files never collide, and SCAN+DEL clean-up of that prefix (every master of a cluster).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyNodes } from '../drop-counters.ts';
import type { HotClient } from '../hot-scripts.ts';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function connect(options: { autoPipelining?: boolean } = {}): Redis {
  return new Redis(redisUrl, { enableAutoPipelining: options.autoPipelining ?? false, lazyConnect: false });
}

export function uniquePrefix(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

async function purgeNode(node: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    // One key per UNLINK: on a cluster the keys of one batch sit in different slots.
    if (keys.length > 0) deleted += (await Promise.all(keys.map((k) => node.unlink(k)))).length;
  } while (cursor !== '0');
  return deleted;
}

/** Deletes every key under the prefix; returns how many. */
export async function purgePrefix(client: HotClient, prefix: string): Promise<number> {
  const counts = await Promise.all(keyNodes(client).map((node) => purgeNode(node, prefix)));
  return counts.reduce((a, b) => a + b, 0);
}
