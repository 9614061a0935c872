// The key layout of the Redis hot ledger. Everything one store order touches sits behind one hash
// tag, so one Lua script can check and change it atomically, also on Redis Cluster
// (ARCHITECTURE.md: "keys hash-tagged per store so one store's SKUs sit in one slot").
//
//   <prefix>:{s:<store>}:stock:<sku>            hash initial restocked available reserved sold
//   <prefix>:{s:<store>}:stock:<sku>:restocks   hash restockId → units (restocks applied once)
//   <prefix>:{s:<store>}:res:<orderId>          hash state at buyer l:<sku> o:<offerId> b:<sku>
//   <prefix>:{s:<store>}:open                   zset orderId → reserve time (ms), for the reconciler
//   <prefix>:{s:<store>}:offer:<offerId>        hash units left
//   <prefix>:{s:<store>}:offer:<offerId>:bought hash buyerId → units bought
//   <prefix>:{b:<store>:<sku>:<i>}:…            bucket i of a hot SKU: its own stock, res and open
//   <prefix>:{g:<offerId>}:budget               hash budgetFen leftFen (a promotion's or coupon's budget)
//   <prefix>:{g:<offerId>}:take:<orderId>       hash state spentFen at (one order's spend)
//   <prefix>:{g:<offerId>}:takes                zset orderId → take time (ms), takes still open
//   <prefix>:{c:<couponId>}:counts              hash total, b:<buyerId> → coupons claimed
//   <prefix>:{c:<couponId>}:claim:<walletId>    hash state buyer at (one claim)
//   <prefix>:{c:<couponId>}:claims              zset walletId → claim time (ms), claims still open
//   <prefix>:{funnel}:furthest                  hash buyerId → furthest first funnel step (redis-funnel.ts)
//   <prefix>:{funnel}:counts                    hash step → shoppers, uncounted
//
// Registries (no tag; read with their own commands, never inside a script):
//   <prefix>:slots        hash slot tag → storeId (every tag that may hold open reservations)
//   <prefix>:skus         hash sku → storeId
//   <prefix>:hot:<store>  hash sku → bucket count (only SKUs split into buckets)
//   <prefix>:offers       hash offerId → storeId
//   <prefix>:budgets      set of offerIds with a spend budget (for the reconciler's listing)
//   <prefix>:coupons      set of couponIds ever claimed (for the reconciler's listing)
//
// The Lua scripts derive a slot's keys from its base (`<prefix>:{tag}`) with the same suffixes as
// below; keep the two in step (scripts.ts).
import { strict as assert } from 'node:assert';

/** A hash tag ends at the first '}', so a brace in an id would move keys to another slot. */
function assertTagSafe(what: string, id: string): void {
  assert(id.length > 0 && !/[{}]/.test(id), `${what} must be non-empty and free of braces: ${id}`);
}

export class HotKeys {
  readonly slots: string;
  readonly skus: string;
  readonly offers: string;
  readonly budgets: string;
  readonly coupons: string;

  constructor(readonly prefix: string) {
    assertTagSafe('key prefix', prefix);
    this.slots = `${prefix}:slots`;
    this.skus = `${prefix}:skus`;
    this.offers = `${prefix}:offers`;
    this.budgets = `${prefix}:budgets`;
    this.coupons = `${prefix}:coupons`;
  }

  storeTag(storeId: string): string {
    assertTagSafe('store id', storeId);
    return `s:${storeId}`;
  }

  bucketTag(storeId: string, sku: string, bucket: number): string {
    assertTagSafe('store id', storeId);
    assertTagSafe('sku', sku);
    return `b:${storeId}:${sku}:${bucket}`;
  }

  /** A spend budget is global (not per store) and has a slot of its own. */
  budgetTag(offerId: string): string {
    assertTagSafe('offer id', offerId);
    return `g:${offerId}`;
  }

  couponTag(couponId: string): string {
    assertTagSafe('coupon id', couponId);
    return `c:${couponId}`;
  }

  /** The common start of every key in one slot. */
  base(tag: string): string {
    return `${this.prefix}:{${tag}}`;
  }

  hot(storeId: string): string {
    return `${this.prefix}:hot:${storeId}`;
  }

  static stock(base: string, sku: string): string {
    return `${base}:stock:${sku}`;
  }

  static record(base: string, orderId: string): string {
    return `${base}:res:${orderId}`;
  }

  static open(base: string): string {
    return `${base}:open`;
  }

  static offer(base: string, offerId: string): string {
    return `${base}:offer:${offerId}`;
  }

  static bought(base: string, offerId: string): string {
    return `${base}:offer:${offerId}:bought`;
  }

  static restocks(base: string, sku: string): string {
    return `${base}:stock:${sku}:restocks`;
  }

  static budget(base: string): string {
    return `${base}:budget`;
  }

  static budgetTake(base: string, orderId: string): string {
    return `${base}:take:${orderId}`;
  }

  static budgetTakes(base: string): string {
    return `${base}:takes`;
  }

  static claimCounts(base: string): string {
    return `${base}:counts`;
  }

  static claim(base: string, walletId: string): string {
    return `${base}:claim:${walletId}`;
  }

  static claims(base: string): string {
    return `${base}:claims`;
  }
}

/** FNV-1a: a cheap, stable spread of order ids over a hot SKU's buckets (same on every process). */
export function bucketOf(orderId: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < orderId.length; i++) {
    h ^= orderId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

/** Splits a quantity over buckets as evenly as possible; the remainder goes to the first buckets. */
export function splitEvenly(qty: number, buckets: number): number[] {
  const base = Math.floor(qty / buckets);
  const rest = qty % buckets;
  return Array.from({ length: buckets }, (_, i) => base + (i < rest ? 1 : 0));
}
