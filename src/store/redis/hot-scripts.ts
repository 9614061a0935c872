// Installs the ledger's Lua scripts on an ioredis client (standalone or Cluster) and gives them
// types. ioredis' defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, per connection,
// so a restarted or newly added cluster node gets the script without a manual SCRIPT LOAD.
import type { Cluster, Redis } from 'ioredis';
import {
  BUDGET_FINISH_LUA,
  BUDGET_TAKE_LUA,
  COUPON_CLAIM_LUA,
  COUPON_FINISH_LUA,
  FINISH_LUA,
  OPEN_LUA,
  RESERVE_LUA,
  RESTOCK_LUA,
  RESTOCK_ONCE_LUA,
} from './scripts.ts';

export type HotClient = Redis | Cluster;
export type ScriptArg = string | number;
export type ScriptReply = (string | number)[];
export type FinishMode = 'commit' | 'release' | 'drop';

export interface HotScripts {
  /** argv: orderId, at, buyerId, lineCount, takeCount, … (see RESERVE_LUA). */
  reserve(record: string, argv: readonly ScriptArg[]): Promise<ScriptReply>;
  finish(
    record: string,
    orderId: string,
    mode: FinishMode,
    ttlSeconds: number,
    tombstone: '0' | '1',
  ): Promise<string[]>;
  open(counter: string, ...fieldValues: ScriptArg[]): Promise<number>;
  restock(stock: string, qty: number): Promise<number>;
  restockOnce(
    stock: string,
    qty: number,
    restockId: string,
    totalQty: number,
    mode: 'apply' | 'claim',
  ): Promise<number>;
  /** `replay`: a rebuild counting again a spend PostgreSQL holds, taken whatever is left. */
  budgetTake(
    take: string,
    orderId: string,
    spentFen: number,
    at: number,
    mode: 'take' | 'replay',
  ): Promise<ScriptReply>;
  budgetFinish(take: string, orderId: string, mode: 'give' | 'keep', ttlSeconds: number): Promise<number>;
  couponClaim(
    claim: string,
    walletId: string,
    buyerId: string,
    total: number,
    perBuyer: number,
    at: number,
  ): Promise<ScriptReply>;
  couponFinish(
    claim: string,
    walletId: string,
    mode: 'written' | 'unclaim',
    ttlSeconds: number,
  ): Promise<number>;
}

// Names are namespaced so another module's defineCommand on the same client cannot clash.
const names = {
  reserve: 'dacuHotReserve',
  finish: 'dacuHotFinish',
  open: 'dacuHotOpen',
  restock: 'dacuHotRestock',
  restockOnce: 'dacuHotRestockOnce',
  budgetTake: 'dacuHotBudgetTake',
  budgetFinish: 'dacuHotBudgetFinish',
  couponClaim: 'dacuHotCouponClaim',
  couponFinish: 'dacuHotCouponFinish',
} as const;

const lua: Record<keyof typeof names, string> = {
  reserve: RESERVE_LUA,
  finish: FINISH_LUA,
  open: OPEN_LUA,
  restock: RESTOCK_LUA,
  restockOnce: RESTOCK_ONCE_LUA,
  budgetTake: BUDGET_TAKE_LUA,
  budgetFinish: BUDGET_FINISH_LUA,
  couponClaim: COUPON_CLAIM_LUA,
  couponFinish: COUPON_FINISH_LUA,
};

// ioredis flattens array arguments, so the reserve's argument list is passed on without copying.
type Installed = Record<
  (typeof names)[keyof typeof names],
  (...args: (ScriptArg | readonly ScriptArg[])[]) => Promise<unknown>
>;

export function installScripts(client: HotClient): HotScripts {
  for (const script of Object.keys(names) as (keyof typeof names)[]) {
    client.defineCommand(names[script], { numberOfKeys: 1, lua: lua[script] });
  }
  // defineCommand adds methods at run time that ioredis' types cannot know about.
  const c = client as unknown as Installed;
  return {
    reserve: (record, argv) => c[names.reserve](record, argv) as Promise<ScriptReply>,
    finish: (record, orderId, mode, ttl, tombstone) =>
      c[names.finish](record, orderId, mode, ttl, tombstone) as Promise<string[]>,
    open: (counter, ...fieldValues) => c[names.open](counter, ...fieldValues) as Promise<number>,
    restock: (stock, qty) => c[names.restock](stock, qty) as Promise<number>,
    restockOnce: (stock, qty, restockId, totalQty, mode) =>
      c[names.restockOnce](stock, qty, restockId, totalQty, mode) as Promise<number>,
    budgetTake: (take, orderId, spentFen, at, mode) =>
      c[names.budgetTake](take, orderId, spentFen, at, mode) as Promise<ScriptReply>,
    budgetFinish: (take, orderId, mode, ttl) =>
      c[names.budgetFinish](take, orderId, mode, ttl) as Promise<number>,
    couponClaim: (claim, walletId, buyerId, total, perBuyer, at) =>
      c[names.couponClaim](claim, walletId, buyerId, total, perBuyer, at) as Promise<ScriptReply>,
    couponFinish: (claim, walletId, mode, ttl) =>
      c[names.couponFinish](claim, walletId, mode, ttl) as Promise<number>,
  };
}
