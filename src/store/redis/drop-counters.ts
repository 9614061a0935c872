// Deletes one sale's counters from Redis, before they are built again from PostgreSQL (`dacu redis
// rebuild`): stock, offer units, budgets, coupon claim counts, reservation records and the
// registries that list them (redis-keys.ts). Operator sessions, rate windows, Idempotency-Key
// claims and the funnel's counts are left as they are: none of them can sell a unit twice.
import { Cluster, type Redis } from 'ioredis';
import type { HotContext } from './hot-context.ts';
import type { HotClient } from './hot-scripts.ts';

/** Keys deleted per command (and scanned per step). */
const KEYS_PER_STEP = 500;

/**
 * The sale's counters, after its prefix: hash-tagged slots of stores, buckets, budgets and coupons,
 * and the registries. (Its `hot:<store>` lists go by name: `hot:` alone would also match every key
 * of a sale whose prefix is this one's and `:hot`.)
 */
const COUNTER_KEY = /^(\{[sbgc]:|(slots|skus|offers|budgets|coupons)$)/;

/** The nodes that hold keys: the one Redis, or every primary of a Cluster. */
export function keyNodes(client: HotClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Deletes the sale's counters on every node; answers how many keys went. */
export async function dropCounters(ctx: HotContext): Promise<number> {
  // The stores that may have hot SKUs are those the slot registry names (read before it goes).
  const stores = new Set(Object.values(await ctx.client.hgetall(ctx.keys.slots)));
  let dropped = (
    await Promise.all([...stores].map((store) => ctx.client.unlink(ctx.keys.hot(store))))
  ).reduce((sum, n) => sum + n, 0);
  for (const node of keyNodes(ctx.client)) {
    // A prefix is [\w:.-]: nothing in it is a glob's. Another sale's prefix may start with this
    // one (dacu:x and dacu:x:y), so only this sale's key shapes go.
    const start = `${ctx.keys.prefix}:`;
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${start}*`, 'COUNT', KEYS_PER_STEP);
      cursor = next;
      const counters = keys.filter((key) => COUNTER_KEY.test(key.slice(start.length)));
      // One key per command: on a Cluster the keys of one step sit in many slots.
      await Promise.all(counters.map((key) => node.unlink(key)));
      dropped += counters.length;
    } while (cursor !== '0');
  }
  ctx.registry.forget();
  return dropped;
}
