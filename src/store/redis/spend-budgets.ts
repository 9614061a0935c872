// Spend budgets of promotions and coupons (soft caps in fen): once an offer's spend reaches its
// budget, the offer stops applying. Budgets are global, one slot each (`{g:<offerId>}`), so one
// checkout spending from several budgets runs one script per budget and, when one refuses, gives
// back what it took from the others: all or nothing, by compensation (STYLE.md, every side effect
// has its undo). Each take is recorded with its time and stays open until the order is paid (keep)
// or closed unpaid (give back); the reconciler lists the takes left open.
import { strict as assert } from 'node:assert';
import type { HotContext } from './hot-context.ts';
import type { ScriptReply } from './hot-scripts.ts';
import type {
  BudgetOpening,
  BudgetTake,
  BudgetTakeFailure,
  BudgetTakeResult,
  OpenBudgetTake,
} from './hot-types.ts';
import { openEntries } from './open-listing.ts';
import { HotKeys } from './redis-keys.ts';
import { budgetReply } from './scripts.ts';

function budgetBase(ctx: HotContext, offerId: string): string {
  return ctx.keys.base(ctx.keys.budgetTag(offerId));
}

function takeRecord(ctx: HotContext, offerId: string, orderId: string): string {
  return HotKeys.budgetTake(budgetBase(ctx, offerId), orderId);
}

function assertFen(what: string, fen: number, min: number): void {
  assert(
    Number.isSafeInteger(fen) && fen >= min,
    `${what} must be a whole number of fen ≥ ${min}, got ${fen}`,
  );
}

function assertOrderId(orderId: string): void {
  assert(orderId.length > 0, 'order id must be non-empty');
}

/** Creates budgets that do not exist yet; a live budget keeps its spend whatever the new opening says. */
export async function openBudgets(ctx: HotContext, budgets: readonly BudgetOpening[]): Promise<void> {
  if (budgets.length === 0) return;
  const counters = budgets.map((b) => {
    assertFen(`budget of ${b.offerId}`, b.budgetFen, 0);
    return HotKeys.budget(budgetBase(ctx, b.offerId));
  });
  // Registered first: the reconciler's listing then never misses a budget that holds takes.
  await ctx.client.sadd(ctx.keys.budgets, ...budgets.map((b) => b.offerId));
  await Promise.all(
    budgets.map((b, i) => ctx.scripts.open(counters[i]!, 'budgetFen', b.budgetFen, 'leftFen', b.budgetFen)),
  );
}

/** Spends of one budget are summed, as the hot ledger sums the lines of one SKU. */
function sumSpends(takes: readonly BudgetTake[]): Map<string, number> {
  const summed = new Map<string, number>();
  for (const t of takes) {
    assertFen(`spend from ${t.offerId}`, t.spentFen, 1);
    summed.set(t.offerId, (summed.get(t.offerId) ?? 0) + t.spentFen);
  }
  for (const [offerId, fen] of summed) assertFen(`spend from ${offerId}`, fen, 1);
  return summed;
}

function decodeTake(offerId: string, spentFen: number, reply: ScriptReply): BudgetTakeResult {
  switch (reply[0]) {
    case budgetReply.taken:
    case budgetReply.replayed:
      return { ok: true };
    case budgetReply.spent:
      return { ok: false, code: 'BUDGET_SPENT', offerId, leftFen: Number(reply[1]) };
    case budgetReply.unknownBudget:
      return { ok: false, code: 'UNKNOWN_BUDGET', offerId };
    case budgetReply.otherAmount:
      // The same order id must mean the same order: a different spend is a caller's bug.
      return assert.fail(`the order already took ${reply[1]} fen from ${offerId}, not ${spentFen}`);
    default:
      throw new Error(`unexpected reply from the budget-take script: ${JSON.stringify(reply)}`);
  }
}

/**
 * Takes every spend of one order, or none: on a refusal, what this order holds in the other budgets
 * is given back (also what an earlier attempt of the same order took). Idempotent per
 * (offerId, orderId); the first refusal in the order of `takes` is answered.
 */
export async function takeBudgets(
  ctx: HotContext,
  orderId: string,
  takes: readonly BudgetTake[],
  at: number,
  mode: 'take' | 'replay' = 'take',
): Promise<BudgetTakeResult> {
  assertOrderId(orderId);
  assert(Number.isSafeInteger(at), `take time must be epoch ms, got ${at}`);
  const spends = [...sumSpends(takes)];
  const results = await Promise.all(
    spends.map(async ([offerId, spentFen]) => {
      const reply = await ctx.scripts.budgetTake(
        takeRecord(ctx, offerId, orderId),
        orderId,
        spentFen,
        at,
        mode,
      );
      return decodeTake(offerId, spentFen, reply);
    }),
  );
  const refusal = results.find((r): r is BudgetTakeFailure => !r.ok);
  if (!refusal) return { ok: true };
  const held = spends.flatMap(([offerId], i) => (results[i]!.ok ? [offerId] : []));
  await giveBackBudgets(ctx, orderId, held);
  return refusal;
}

async function finishTakes(
  ctx: HotContext,
  orderId: string,
  offerIds: readonly string[],
  mode: 'give' | 'keep',
): Promise<number> {
  assertOrderId(orderId);
  const moved = await Promise.all(
    [...new Set(offerIds)].map((offerId) =>
      ctx.scripts.budgetFinish(takeRecord(ctx, offerId, orderId), orderId, mode, ctx.finishedTtlSeconds),
    ),
  );
  return moved.reduce((a, b) => a + b, 0);
}

/** The order closed unpaid or never reached PostgreSQL: its open takes come back. Answers how many. */
export function giveBackBudgets(
  ctx: HotContext,
  orderId: string,
  offerIds: readonly string[],
): Promise<number> {
  return finishTakes(ctx, orderId, offerIds, 'give');
}

/** The order was paid: its spend stays for good. */
export async function keepBudgets(
  ctx: HotContext,
  orderId: string,
  offerIds: readonly string[],
): Promise<void> {
  await finishTakes(ctx, orderId, offerIds, 'keep');
}

/** Fen left per known budget (unknown budgets are absent). */
export async function budgetLeft(ctx: HotContext, offerIds: readonly string[]): Promise<Map<string, number>> {
  const ids = [...new Set(offerIds)];
  const left = await Promise.all(
    ids.map((id) => ctx.client.hget(HotKeys.budget(budgetBase(ctx, id)), 'leftFen')),
  );
  return new Map(ids.flatMap((id, i) => (left[i] == null ? [] : [[id, Number(left[i])] as const])));
}

/** Takes neither kept nor given back, taken at or before `cutoffMs`, oldest first. */
export async function openBudgetTakes(
  ctx: HotContext,
  cutoffMs: number,
  limit: number,
): Promise<OpenBudgetTake[]> {
  const open = await openEntries(
    ctx,
    ctx.keys.budgets,
    (offerId) => HotKeys.budgetTakes(budgetBase(ctx, offerId)),
    cutoffMs,
    limit,
  );
  return open.map((e) => ({ offerId: e.id, orderId: e.member, at: e.at }));
}

/** Fen spent per known budget: what it was opened with, less what is left (unknown budgets are absent). */
export async function budgetSpent(
  ctx: HotContext,
  offerIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = [...new Set(offerIds)];
  const counts = await Promise.all(
    ids.map((id) => ctx.client.hmget(HotKeys.budget(budgetBase(ctx, id)), 'budgetFen', 'leftFen')),
  );
  return new Map(
    ids.flatMap((id, i) => {
      const [budget, left] = counts[i]!;
      return budget == null || left == null ? [] : [[id, Number(budget) - Number(left)] as const];
    }),
  );
}
