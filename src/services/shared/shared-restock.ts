// 补货 when several servers share PostgreSQL and Redis: the restock is written to PostgreSQL (its
// row and event), then its units are added in Redis under the restock's id, so they are added once
// however many servers (or reconciler passes after a crash between the two) apply it. Each server
// remembers the ids it has seen applied, so a pass reads the table and touches Redis only for new rows.
import { poolOf } from '../../domain/stock-pools.ts';
import type { RestockRow } from '../../store/ports.ts';
import type { Recorder } from '../idempotency.ts';
import type { Outcome } from '../problem.ts';
import { newRestock, type Restocked, type RestockRequest, refusalToRestock } from '../restock.ts';
import type { SharedContext } from './shared-context.ts';

export async function restockSharedSku(
  shared: SharedContext,
  request: RestockRequest,
  operator: string,
  record: Recorder<Restocked> = () => {},
): Promise<Outcome<Restocked>> {
  const { ctx } = shared;
  const refusal = refusalToRestock(ctx, request);
  if (refusal) return refusal;
  const { answer, row } = newRestock(ctx, request, operator);
  const outcome = { ok: true, value: answer } as const;
  record(outcome);
  await ctx.commits.wait(() => {});
  await applyRestockRow(shared, row);
  await shared.refreshMirror([row.sku]);
  return outcome;
}

/** The Redis restock id of a restock row. */
export const restockIdOf = (row: Pick<RestockRow, 'id'>) => `restock:${row.id}`;

/** Adds a restock's units in Redis once (by its id); true when this call added them. */
export async function applyRestockRow(
  shared: Pick<SharedContext, 'hot' | 'restocksSeen'> & { ctx: Pick<SharedContext['ctx'], 'index'> },
  row: RestockRow,
): Promise<boolean> {
  // A row names a ledger entry: a SKU, or its pre-sale pool (`<sku>#presale`).
  const storeId = shared.ctx.index.items.get(poolOf(row.sku).sku)?.storeId;
  if (!storeId) return false;
  const added = await shared.hot.restock(storeId, row.sku, row.units, restockIdOf(row));
  shared.restocksSeen.add(row.id);
  return added;
}

/** Adds the units of every restock a crash kept out of Redis (a reconciler pass); how many it added. */
export async function followRestocks(shared: SharedContext): Promise<number> {
  const added: string[] = [];
  for (const row of await shared.ctx.store.loadRestocks()) {
    if (shared.restocksSeen.has(row.id)) continue;
    if (await applyRestockRow(shared, row)) added.push(row.sku);
  }
  if (added.length > 0) await shared.refreshMirror(added);
  return added.length;
}
