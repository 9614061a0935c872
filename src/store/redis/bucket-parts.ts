// The parts of a store order that live in a hot SKU's buckets (ARCHITECTURE.md: "a very hot SKU
// may be split into buckets"). A line is taken from ONE bucket: the order's own bucket first
// (hash of the order id, so load spreads evenly), then the others in turn. Every part has its undo:
// drop (the store order failed), and at commit or release the parts follow the store order's record.
import type { HotContext } from './hot-context.ts';
import type { HotReservation, HotReserveFailure } from './hot-types.ts';
import { bucketOf, HotKeys } from './redis-keys.ts';
import { decodeReserveFailure } from './reserve-reply.ts';
import { reserveReply } from './scripts.ts';

export interface BucketPart {
  sku: string;
  bucket: number;
  /** Taken by this call (false: a retry found it already taken). Only fresh parts are undone. */
  fresh: boolean;
}

export type PartResult = { ok: true; part: BucketPart } | HotReserveFailure;

/** The record of an order's part in one bucket; the script derives the bucket's other keys from it. */
function partRecord(ctx: HotContext, storeId: string, sku: string, bucket: number, orderId: string): string {
  return HotKeys.record(ctx.keys.base(ctx.keys.bucketTag(storeId, sku, bucket)), orderId);
}

export async function reserveHotLine(
  ctx: HotContext,
  r: HotReservation,
  sku: string,
  qty: number,
  buckets: number,
): Promise<PartResult> {
  const first = bucketOf(r.orderId, buckets);
  let availableSeen = 0;
  for (let n = 0; n < buckets; n++) {
    const bucket = (first + n) % buckets;
    const record = partRecord(ctx, r.storeId, sku, bucket, r.orderId);
    const reply = await ctx.scripts.reserve(record, [r.orderId, r.at, '', 1, 0, sku, qty]);
    const code = reply[0];
    if (code === reserveReply.taken || code === reserveReply.replayed) {
      return { ok: true, part: { sku, bucket, fresh: code === reserveReply.taken } };
    }
    if (code !== reserveReply.outOfStock) return decodeReserveFailure(reply);
    availableSeen += Number(reply[2]);
  }
  return { ok: false, code: 'OUT_OF_STOCK', sku, available: availableSeen };
}

/** Undo of the parts this call took, when its store order did not go through. */
export async function dropFreshParts(
  ctx: HotContext,
  storeId: string,
  orderId: string,
  parts: readonly BucketPart[],
): Promise<void> {
  await Promise.all(
    parts
      .filter((p) => p.fresh)
      .map((p) =>
        ctx.scripts.finish(partRecord(ctx, storeId, p.sku, p.bucket, orderId), orderId, 'drop', 0, '0'),
      ),
  );
}

/**
 * Brings every bucket part of a finished store order to the order's state: the recorded bucket is
 * committed or released with it; a part in any other bucket (left by a crashed or retried attempt)
 * is dropped. Safe to repeat, so a crash between the store slot and the buckets heals on the
 * reconciler's next release or the next commit.
 */
export async function settleParts(
  ctx: HotContext,
  storeId: string,
  orderId: string,
  state: 'sold' | 'released',
  recorded: ReadonlyMap<string, number>,
): Promise<void> {
  const layouts = await ctx.registry.layouts(recorded.keys());
  const calls: Promise<unknown>[] = [];
  for (const [sku, used] of recorded) {
    const buckets = layouts.get(sku)?.buckets ?? 0;
    for (let bucket = 0; bucket < buckets; bucket++) {
      const record = partRecord(ctx, storeId, sku, bucket, orderId);
      const mode = bucket !== used ? 'drop' : state === 'sold' ? 'commit' : 'release';
      calls.push(ctx.scripts.finish(record, orderId, mode, ctx.finishedTtlSeconds, '0'));
    }
  }
  await Promise.all(calls);
}

/**
 * A release found no store order record: the attempt died between its bucket parts and the store
 * slot. Release whatever parts it left in any bucket of the store's hot SKUs.
 */
export async function releaseStrayParts(ctx: HotContext, storeId: string, orderId: string): Promise<void> {
  const hot = await ctx.client.hgetall(ctx.keys.hot(storeId));
  const calls: Promise<unknown>[] = [];
  for (const [sku, count] of Object.entries(hot)) {
    for (let bucket = 0; bucket < Number(count); bucket++) {
      const record = partRecord(ctx, storeId, sku, bucket, orderId);
      calls.push(ctx.scripts.finish(record, orderId, 'release', ctx.finishedTtlSeconds, '0'));
    }
  }
  await Promise.all(calls);
}
