// What PostgreSQL says the sale holds in Redis's counters (shared backend): the stock units and
// limited-offer units of orders that still hold them (pending, deposit paid, paid), the budget
// they spent, and the coupons claimed into wallets. PostgreSQL has the orders, so this is what
// Redis must hold at least; redis-audit and the rebuild of Redis read it (services/shared).
import { type Kysely, sql } from 'kysely';
import type { OfferTake } from '../../domain/offer-counters.ts';
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import type { SoldOutAction } from '../../domain/sold-out-action.ts';
import type { StockLine } from '../../domain/stock-ledger.ts';
import type { TradeDatabase } from './schema.ts';

/** Statuses whose stock and offer units are held (reserved, or sold). */
const HOLDING: readonly OrderStatus[] = ['pending_payment', 'deposit_paid', 'paid'];

export interface StockHeld {
  /** Units of orders not yet paid (pending, or a pre-sale with its deposit in). */
  reserved: number;
  sold: number;
}

export interface OfferHeld {
  units: number;
  spentFen: number;
}

/** `placed_at < before`, unless `before` is +∞ (every order). */
const placedBefore = (before: number) =>
  Number.isFinite(before) ? sql`AND o.placed_at < ${Math.floor(before)}` : sql``;

/** Units held per stock id (a SKU, or its pre-sale pool) by orders placed before `before`, summed in the database. */
export async function stockHeld(
  db: Kysely<TradeDatabase>,
  before = Number.POSITIVE_INFINITY,
): Promise<Map<string, StockHeld>> {
  const { rows } = await sql<{ stock_id: string; status: string; units: string }>`
    SELECT line->>'sku' AS stock_id, o.status, SUM((line->>'qty')::bigint) AS units
    FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.detail::jsonb -> 'stock') AS line
    WHERE o.status IN (${sql.join(HOLDING)}) ${placedBefore(before)}
    GROUP BY 1, 2`.execute(db);
  const held = new Map<string, StockHeld>();
  for (const r of rows) {
    const entry = held.get(r.stock_id) ?? { reserved: 0, sold: 0 };
    if (r.status === 'paid') entry.sold += Number(r.units);
    else entry.reserved += Number(r.units);
    held.set(r.stock_id, entry);
  }
  return held;
}

/** Units and budget spend held per limited offer by orders placed before `before`, summed in the database. */
export async function offersHeld(
  db: Kysely<TradeDatabase>,
  before = Number.POSITIVE_INFINITY,
): Promise<Map<string, OfferHeld>> {
  const { rows } = await sql<{ offer_id: string; units: string; spent_fen: string }>`
    SELECT take->>'offerId' AS offer_id, SUM((take->>'units')::bigint) AS units,
      SUM((take->>'spentFen')::bigint) AS spent_fen
    FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.detail::jsonb -> 'takes') AS take
    WHERE o.status IN (${sql.join(HOLDING)}) ${placedBefore(before)}
    GROUP BY 1`.execute(db);
  return new Map(rows.map((r) => [r.offer_id, { units: Number(r.units), spentFen: Number(r.spent_fen) }]));
}

/** Coupons claimed into wallets before `before`, per coupon (compensation red envelopes are not claims). */
export async function claimsHeld(
  db: Kysely<TradeDatabase>,
  before = Number.POSITIVE_INFINITY,
): Promise<Map<string, number>> {
  let query = db
    .selectFrom('wallet')
    .select(['coupon_id', (eb) => eb.fn.countAll<string>().as('claims')])
    .where('source', '=', 'claim');
  if (Number.isFinite(before)) query = query.where('created_at', '<', Math.floor(before));
  const rows = await query.groupBy('coupon_id').execute();
  return new Map(rows.map((r) => [r.coupon_id, Number(r.claims)]));
}

/** An order that holds stock, as the rebuild of Redis replays it. */
export interface HeldOrder {
  id: string;
  storeId: string;
  buyerId: string;
  status: 'pending_payment' | 'deposit_paid' | 'paid';
  placedAt: number;
  stock: StockLine[];
  takes: OfferTake[];
}

/** Orders that hold stock, `limit` at a time in id order after `afterId` (keyset paging). */
export async function heldOrdersAfter(
  db: Kysely<TradeDatabase>,
  afterId: string,
  limit: number,
): Promise<HeldOrder[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'store_id', 'buyer_id', 'status', 'placed_at', 'detail'])
    .where('status', 'in', HOLDING)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail) as { stock: StockLine[]; takes?: OfferTake[] };
    return {
      id: r.id,
      storeId: r.store_id,
      buyerId: r.buyer_id,
      status: r.status as HeldOrder['status'],
      placedAt: Number(r.placed_at),
      stock: detail.stock,
      takes: detail.takes ?? [],
    };
  });
}

/**
 * Every switch to pre-sale ever set, oldest first, from the event log: sku_actions keeps only a
 * SKU's latest action, but each switch added its own units.
 */
export async function soldOutActionsEver(
  db: Kysely<TradeDatabase>,
): Promise<{ sku: string; action: SoldOutAction; at: number }[]> {
  const rows = await db
    .selectFrom('events')
    .select(['at', 'payload'])
    .where('type', '=', 'SoldOutActionSet')
    .orderBy('seq')
    .execute();
  return rows.map((r) => {
    const { sku, action } = JSON.parse(r.payload) as { sku: string; action: SoldOutAction };
    return { sku, action, at: Number(r.at) };
  });
}

/** A coupon claimed into a wallet, as the rebuild of Redis counts it again. */
export interface ClaimedCoupon {
  walletId: string;
  couponId: string;
  buyerId: string;
  at: number;
}

export async function claimsAfter(
  db: Kysely<TradeDatabase>,
  afterId: string,
  limit: number,
): Promise<ClaimedCoupon[]> {
  const rows = await db
    .selectFrom('wallet')
    .select(['id', 'coupon_id', 'buyer_id', 'created_at'])
    .where('source', '=', 'claim')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    walletId: r.id,
    couponId: r.coupon_id,
    buyerId: r.buyer_id,
    at: Number(r.created_at),
  }));
}
