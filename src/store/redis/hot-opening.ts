// Opening the sale's counters in Redis: stock per SKU (split over buckets for hot SKUs) and units
// of limited offers. Restart-safe: a counter that exists keeps its live values, and a SKU keeps the
// layout (store, buckets) it was first opened with, whatever the options of a later process say.
import { strict as assert } from 'node:assert';
import type { HotContext } from './hot-context.ts';
import type { SkuLayout } from './hot-registry.ts';
import type { OfferOpening, StockOpening } from './hot-types.ts';
import { HotKeys, splitEvenly } from './redis-keys.ts';
import { restockReply } from './scripts.ts';

function assertCount(what: string, n: number): void {
  assert(Number.isSafeInteger(n) && n >= 0, `${what} must be a whole number ≥ 0, got ${n}`);
}

export async function openStock(
  ctx: HotContext,
  items: readonly StockOpening[],
  bucketsOf: (sku: string) => number,
): Promise<void> {
  const known = await ctx.registry.layouts(items.map((i) => i.sku));
  const creates: Promise<number>[] = [];
  const slots = new Map<string, string>();
  const hot: { storeId: string; sku: string; buckets: number }[] = [];
  const skus: [string, string][] = [];
  for (const item of items) {
    assertCount(`opening stock of ${item.sku}`, item.initial);
    const existing = known.get(item.sku);
    assert(!existing || existing.storeId === item.storeId, `${item.sku} already belongs to another store`);
    const layout: SkuLayout = existing ?? { storeId: item.storeId, buckets: bucketsOf(item.sku) };
    assert(Number.isSafeInteger(layout.buckets) && layout.buckets >= 0, `bad bucket count for ${item.sku}`);
    const bases = ctx.registry.stockBases(item.sku, layout);
    const initials = layout.buckets === 0 ? [item.initial] : splitEvenly(item.initial, layout.buckets);
    bases.forEach((base, i) => {
      const initial = initials[i]!;
      const fields = ['initial', initial, 'restocked', 0, 'available', initial, 'reserved', 0, 'sold', 0];
      creates.push(ctx.scripts.open(HotKeys.stock(base, item.sku), ...fields));
    });
    const storeTag = ctx.keys.storeTag(item.storeId);
    slots.set(storeTag, item.storeId);
    for (let i = 0; i < layout.buckets; i++)
      slots.set(ctx.keys.bucketTag(item.storeId, item.sku, i), item.storeId);
    if (layout.buckets > 0) hot.push({ storeId: item.storeId, sku: item.sku, buckets: layout.buckets });
    skus.push([item.sku, item.storeId]);
    ctx.registry.remember(item.sku, layout);
  }
  await Promise.all(creates);
  // The sku registry is written last: a process that finds a SKU there also finds its counters,
  // its slots and its bucket count.
  await registerSlots(ctx, slots);
  await Promise.all(hot.map((h) => ctx.client.hset(ctx.keys.hot(h.storeId), h.sku, h.buckets)));
  if (skus.length > 0) await ctx.client.hset(ctx.keys.skus, ...skus.flat());
}

export async function openOffers(ctx: HotContext, offers: readonly OfferOpening[]): Promise<void> {
  const known = await ctx.registry.offerStoresOf(offers.map((o) => o.offerId));
  const slots = new Map<string, string>();
  const creates = offers.map((o) => {
    assertCount(`units of offer ${o.offerId}`, o.units);
    const storeId = known.get(o.offerId);
    assert(storeId === undefined || storeId === o.storeId, `${o.offerId} already belongs to another store`);
    slots.set(ctx.keys.storeTag(o.storeId), o.storeId);
    ctx.registry.rememberOffer(o.offerId, o.storeId);
    const base = ctx.keys.base(ctx.keys.storeTag(o.storeId));
    return ctx.scripts.open(HotKeys.offer(base, o.offerId), 'units', o.units, 'left', o.units);
  });
  await Promise.all(creates);
  await registerSlots(ctx, slots);
  if (offers.length > 0)
    await ctx.client.hset(ctx.keys.offers, ...offers.flatMap((o) => [o.offerId, o.storeId]));
}

/**
 * Returned or newly arrived goods, spread over a hot SKU's buckets. False for an unknown SKU or a
 * SKU of another store. With a restock id (an operator action recorded in PostgreSQL) the units are
 * added once for that SKU however many servers or retries apply it: true when this call applied
 * it, false when it was applied already (or the SKU is unknown here).
 */
export async function restock(
  ctx: HotContext,
  storeId: string,
  sku: string,
  qty: number,
  restockId?: string,
): Promise<boolean> {
  assert(Number.isSafeInteger(qty) && qty > 0, `restock of ${sku} needs a whole number > 0, got ${qty}`);
  assert(restockId === undefined || restockId.length > 0, 'a restock id must be non-empty');
  const layout = (await ctx.registry.layouts([sku])).get(sku);
  if (!layout || layout.storeId !== storeId) return false;
  if (restockId !== undefined) return restockOnce(ctx, sku, layout, qty, restockId);
  const keys = ctx.registry.stockKeys(sku, layout);
  const shares = splitEvenly(qty, keys.length);
  const done = await Promise.all(
    keys.map((key, i) => (shares[i]! > 0 ? ctx.scripts.restock(key, shares[i]!) : Promise.resolve(1))),
  );
  return done.every((d) => d === 1);
}

/**
 * A SKU in the store slot: one script checks the id, adds the units and records the id. A hot SKU:
 * the id is first recorded in the store slot, which decides the answer, then each bucket adds its
 * share once under the same id. Every call applies every share, so a call that dies between the
 * store slot and the buckets is completed by the next one (a retry, or another server).
 */
async function restockOnce(
  ctx: HotContext,
  sku: string,
  layout: SkuLayout,
  qty: number,
  restockId: string,
): Promise<boolean> {
  const keys = ctx.registry.stockKeys(sku, layout);
  const shares = splitEvenly(qty, keys.length);
  const apply = (key: string, share: number) => ctx.scripts.restockOnce(key, share, restockId, qty, 'apply');
  if (layout.buckets === 0) return checkRestock(sku, restockId, await apply(keys[0]!, qty)) === 'applied';
  const storeStock = HotKeys.stock(ctx.keys.base(ctx.keys.storeTag(layout.storeId)), sku);
  const claimed = checkRestock(
    sku,
    restockId,
    await ctx.scripts.restockOnce(storeStock, 0, restockId, qty, 'claim'),
  );
  const parts = await Promise.all(
    keys.map((key, i) => (shares[i]! > 0 ? apply(key, shares[i]!) : restockReply.applied)),
  );
  for (const part of parts) checkRestock(sku, restockId, part);
  return claimed === 'applied';
}

function checkRestock(sku: string, restockId: string, reply: number): 'applied' | 'already' | 'unknown' {
  assert(reply !== restockReply.otherUnits, `restock ${restockId} of ${sku} was applied with other units`);
  if (reply === restockReply.applied) return 'applied';
  return reply === restockReply.alreadyApplied ? 'already' : 'unknown';
}

async function registerSlots(ctx: HotContext, slots: Map<string, string>): Promise<void> {
  if (slots.size > 0) await ctx.client.hset(ctx.keys.slots, ...[...slots].flat());
}
