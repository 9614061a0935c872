// Operators' sold-out actions (DOMAIN.md §3: "a hot item that sells out can be switched to
// pre-sale with a ship date, or substituted"). A switch to pre-sale adds the pre-sale units to
// the SKU's stock (restocked) so selling goes on; a substitute is shown beside the sold-out SKU.
// Setting the action a SKU already has changes nothing (an operator's retry adds no units twice).
import {
  checkSoldOutAction,
  checkSoldOutActionNow,
  type SoldOutAction,
  sameSoldOutAction,
} from '../domain/sold-out-action.ts';
import { stockState } from './catalog-view.ts';
import type { Recorder } from './idempotency.ts';
import { fail, type Outcome } from './problem.ts';
import { addRestockDelta, event, type TradeContext } from './trade-context.ts';

export async function setSoldOutAction(
  ctx: TradeContext,
  sku: string,
  action: SoldOutAction,
  operator: string,
  record: Recorder<SoldOutActionSet> = () => {},
): Promise<Outcome<SoldOutActionSet>> {
  const refusal = refusalToSet(ctx, sku, action);
  if (refusal) return refusal;
  const answer = { ok: true, value: { sku, action } } as const;
  record(answer);
  const before = ctx.soldOutActions.get(sku);
  if (sameSoldOutAction(before, action)) {
    // Answered once the first setting is on disk (and refused with it if its commit fails).
    await ctx.commits.wait(() => {});
    return answer;
  }
  const now = ctx.clock();
  ctx.soldOutActions.set(sku, action);
  if (action.kind === 'presale') {
    ctx.ledger.restock(sku, action.units);
    addRestockDelta(ctx, sku, action.units);
  }
  ctx.commits.open.skuActions.push({ sku, action: JSON.stringify(action), operator, at: now });
  ctx.commits.open.events.push(event('SoldOutActionSet', now, null, null, { sku, action, operator }));
  await ctx.commits.wait(() => {
    if (before) ctx.soldOutActions.set(sku, before);
    else ctx.soldOutActions.delete(sku);
    if (action.kind === 'presale') ctx.ledger.unrestock(sku, action.units);
  });
  return answer;
}

/** Why the action cannot be set on the SKU now, or null (shared servers refresh their mirror of
 *  Redis's stock for the SKUs first). */
export function refusalToSet(
  ctx: Pick<TradeContext, 'index' | 'clock' | 'ledger' | 'soldOutActions'>,
  sku: string,
  action: SoldOutAction,
): Outcome<never> | null {
  const refusal =
    checkSoldOutAction(ctx.index, sku, action) ??
    checkSoldOutActionNow(ctx.index, action, ctx.clock(), (s) => ctx.ledger.get(s)?.available ?? 0);
  if (refusal) return fail(refusal.code, refusal.detail, { path: refusal.path });
  // An action is for a SKU that runs low or sold out (a switch to pre-sale makes every later order
  // ship on its date). Once one is set, another may follow whatever the stock.
  const item = ctx.index.items.get(sku);
  if (item && !ctx.soldOutActions.has(sku)) {
    const { available, state } = stockState(item, ctx.ledger.get(sku));
    if (state === 'in_stock') {
      const detail = `${sku} has ${available} units to sell: set an action once it runs low or sells out`;
      return fail('SKU_IN_STOCK', detail, { path: 'sku' });
    }
  }
  return null;
}

/** The answer to setting a sold-out action: the SKU and the action it now has. */
export interface SoldOutActionSet {
  sku: string;
  action: SoldOutAction;
}
