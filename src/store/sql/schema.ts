// Table types for Kysely, shared by the SQLite and PostgreSQL adapters.
import type { Generated } from 'kysely';

export interface TradeDatabase {
  /** What the database holds (sale-identity.ts): sale_id, campaign_id, redis_opened. */
  sale: { key: string; value: string };
  stock: {
    sku: string;
    initial: number;
    restocked: number;
    available: number;
    reserved: number;
    sold: number;
  };
  orders: {
    id: string;
    checkout_id: string;
    buyer_id: string;
    store_id: string;
    status: string;
    payable_fen: number;
    amount_fen: number;
    list_total_fen: number;
    placed_at: number;
    deadline_at: number;
    paid_at: number | null;
    closed_at: number | null;
    payment_channel: string | null;
    payment_ref: string | null;
    detail: string;
    /** A payment under way holds the order until then (several servers on one database). */
    paying_until: number | null;
  };
  events: {
    seq: Generated<number>;
    at: number;
    type: string;
    order_id: string | null;
    buyer_id: string | null;
    payload: string;
  };
  timers: {
    id: string;
    kind: string;
    ref: string;
    due_at: number;
    fired_at: number | null;
    /** Until when a server holds the timer (several servers on one database). */
    claimed_until: number | null;
  };
  idempotency: {
    buyer_id: string;
    key: string;
    request_hash: string;
    status_code: number;
    response: string;
    created_at: number;
  };
  payments: {
    id: string;
    order_ids: string;
    buyer_id: string;
    channel: string | null;
    channel_ref: string | null;
    status: string;
    amount_fen: number;
    attempts: string;
    created_at: number;
  };
  sku_actions: { sku: string; action: string; operator: string; at: number };
  restocks: { id: string; sku: string; units: number; operator: string; note: string; at: number };
  offer_usage: { offer_id: string; buyer_id: string; units: number; spent_fen: number };
  wallet: {
    id: string;
    buyer_id: string;
    coupon_id: string;
    balance_fen: number | null;
    source: string;
    created_at: number;
    status: string;
    used_by: string | null;
    tasks_done: number;
    inflated: number;
  };
  /** What each unpaid order took from each wallet entry (several servers on one database). */
  wallet_holds: {
    order_id: string;
    wallet_id: string;
    checkout_id: string;
    amount_fen: number;
    at: number;
  };
}
