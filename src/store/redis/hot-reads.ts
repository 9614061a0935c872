// Read-backs of the hot ledger: stock (summed over a hot SKU's buckets), offer units left and a
// buyer's units bought (the pricing view), and the stock identity check of ARCHITECTURE.md.
import type { HotContext } from './hot-context.ts';
import type { SkuStock } from './hot-types.ts';
import { HotKeys } from './redis-keys.ts';

const STOCK_FIELDS = ['initial', 'restocked', 'available', 'reserved', 'sold'] as const;

function toStock(values: (string | null)[]): SkuStock {
  const [initial, restocked, available, reserved, sold] = values.map((v) => Number(v ?? 0));
  return {
    initial: initial!,
    restocked: restocked!,
    available: available!,
    reserved: reserved!,
    sold: sold!,
  };
}

function add(a: SkuStock, b: SkuStock): SkuStock {
  return {
    initial: a.initial + b.initial,
    restocked: a.restocked + b.restocked,
    available: a.available + b.available,
    reserved: a.reserved + b.reserved,
    sold: a.sold + b.sold,
  };
}

function holds(s: SkuStock): boolean {
  const counts = [s.initial, s.restocked, s.available, s.reserved, s.sold];
  return counts.every((n) => n >= 0) && s.initial + s.restocked === s.available + s.reserved + s.sold;
}

/** Each known SKU's counters, one entry per bucket (one for an unsplit SKU). */
async function stockParts(ctx: HotContext, skus: Iterable<string>): Promise<Map<string, SkuStock[]>> {
  const layouts = await ctx.registry.layouts(skus);
  const reads = [...layouts].map(async ([sku, layout]) => {
    const keys = ctx.registry.stockKeys(sku, layout);
    const parts = await Promise.all(keys.map((key) => ctx.client.hmget(key, ...STOCK_FIELDS)));
    return [sku, parts.map(toStock)] as const;
  });
  return new Map(await Promise.all(reads));
}

export async function stockOf(ctx: HotContext, skus: readonly string[]): Promise<Map<string, SkuStock>> {
  const parts = await stockParts(ctx, skus);
  return new Map([...parts].map(([sku, p]) => [sku, p.reduce(add)]));
}

/** SKUs whose counters break initial + restocked = available + reserved + sold or go negative,
 * checked per bucket and summed. Reads every registered SKU: a test and audit tool, not hot path. */
export async function checkIdentity(ctx: HotContext): Promise<string[]> {
  const skus = Object.keys(await ctx.client.hgetall(ctx.keys.skus));
  const parts = await stockParts(ctx, skus);
  return [...parts].filter(([, p]) => !p.every(holds) || !holds(p.reduce(add))).map(([sku]) => sku);
}

async function offerRead(
  ctx: HotContext,
  offerIds: readonly string[],
  read: (base: string, offerId: string) => Promise<string | null>,
): Promise<Map<string, number>> {
  const stores = await ctx.registry.offerStoresOf(offerIds);
  const entries = await Promise.all(
    [...stores].map(async ([offerId, storeId]) => {
      const value = await read(ctx.keys.base(ctx.keys.storeTag(storeId)), offerId);
      return [offerId, Number(value ?? 0)] as const;
    }),
  );
  return new Map(entries);
}

/** Units left per known offer (unknown offers are absent). */
export function offerLeft(ctx: HotContext, offerIds: readonly string[]): Promise<Map<string, number>> {
  return offerRead(ctx, offerIds, (base, id) => ctx.client.hget(HotKeys.offer(base, id), 'left'));
}

/** Units a buyer holds (reserved or sold) per known offer, for the per-buyer limit. */
export function boughtBy(
  ctx: HotContext,
  buyerId: string,
  offerIds: readonly string[],
): Promise<Map<string, number>> {
  return offerRead(ctx, offerIds, (base, id) => ctx.client.hget(HotKeys.bought(base, id), buyerId));
}

/** Units taken per known offer: what it was opened with, less what is left (held by orders, or sold). */
export function offerTaken(ctx: HotContext, offerIds: readonly string[]): Promise<Map<string, number>> {
  return offerRead(ctx, offerIds, async (base, id) => {
    const [units, left] = await ctx.client.hmget(HotKeys.offer(base, id), 'units', 'left');
    return units === null || left === null ? null : String(Number(units) - Number(left));
  });
}
