// The reconciler's listing of budget takes and coupon claims still open: one sorted set per slot
// (member → time taken), read slot by slot so it works on Redis Cluster, merged oldest first.
import { strict as assert } from 'node:assert';
import type { HotContext } from './hot-context.ts';

/** Slots asked at once: bounds the commands in flight when a sale has thousands of budgets. */
const slotsInFlightMax = 256;

export interface OpenEntry {
  /** The registry id naming the slot (an offer id, a coupon id). */
  id: string;
  /** The sorted set's member (an order id, a wallet id). */
  member: string;
  at: number;
}

/** Entries taken at or before `cutoffMs` (epoch ms), oldest first, at most `limit`. */
export async function openEntries(
  ctx: HotContext,
  registry: string,
  zsetOf: (id: string) => string,
  cutoffMs: number,
  limit: number,
): Promise<OpenEntry[]> {
  assert(Number.isFinite(cutoffMs), `cutoff must be an epoch-ms instant, got ${cutoffMs}`);
  assert(Number.isSafeInteger(limit) && limit > 0, 'limit must be a whole number > 0');
  const ids = await ctx.client.smembers(registry);
  let oldest: OpenEntry[] = [];
  for (let i = 0; i < ids.length; i += slotsInFlightMax) {
    const batch = ids.slice(i, i + slotsInFlightMax);
    const replies = await Promise.all(
      batch.map((id) =>
        ctx.client.zrangebyscore(zsetOf(id), '-inf', cutoffMs, 'WITHSCORES', 'LIMIT', 0, limit),
      ),
    );
    batch.forEach((id, b) => {
      const reply = replies[b]!;
      for (let j = 0; j < reply.length; j += 2)
        oldest.push({ id, member: reply[j]!, at: Number(reply[j + 1]) });
    });
    // Only the oldest `limit` can make the answer: memory stays bounded however many slots there are.
    oldest = oldest.sort(byAgeThenIds).slice(0, limit);
  }
  return oldest;
}

/** Ties in time are broken by ids, so repeated listings agree. */
function byAgeThenIds(a: OpenEntry, b: OpenEntry): number {
  return a.at - b.at || compare(a.id, b.id) || compare(a.member, b.member);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
