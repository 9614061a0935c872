// Opening the sale's counters in Redis: stock per SKU (split over buckets for hot SKUs) and units
// of limited offers. Restart-safe: a counter that exists keeps its live values, and a SKU keeps the
// layout (store, buckets) it was first opened with, whatever the options of a later process say.
import { strict as assert } from 'node:assert';
import type { HotContext } from './hot-context.ts';
import type { SkuLayout } from './hot-registry.ts';
import type { OfferOpening, StockOpening } from './hot-types.ts';
import { HotKeys, splitEvenly } from './redis-keys.ts';

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

/** Returned or newly arrived goods, spread over a hot SKU's buckets. False for an unknown SKU. */
export async function restock(ctx: HotContext, storeId: string, sku: string, qty: number): Promise<boolean> {
  assert(Number.isSafeInteger(qty) && qty > 0, `restock of ${sku} needs a whole number > 0, got ${qty}`);
  const layout = (await ctx.registry.layouts([sku])).get(sku);
  if (!layout || layout.storeId !== storeId) return false;
  const keys = ctx.registry.stockKeys(sku, layout);
  const shares = splitEvenly(qty, keys.length);
  const done = await Promise.all(
    keys.map((key, i) => (shares[i]! > 0 ? ctx.scripts.restock(key, shares[i]!) : Promise.resolve(1))),
  );
  return done.every((d) => d === 1);
}

async function registerSlots(ctx: HotContext, slots: Map<string, string>): Promise<void> {
  if (slots.size > 0) await ctx.client.hset(ctx.keys.slots, ...[...slots].flat());
}
