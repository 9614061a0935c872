// 补货: an operator adds units to a SKU after the sale opened — returned goods inspected and put
// back (DOMAIN.md §6), a late delivery from the warehouse. The campaign file's stock counts once,
// when the sale opens its counters; from then on the ledger is the truth, and stock grows only by
// restocks (and switches to pre-sale). Each restock is a row and an event of its own, so a retry
// with the same Idempotency-Key adds nothing, and the units can be counted again from the database.
import { presalePoolOf, stockOpenings } from '../domain/stock-pools.ts';
import type { RestockRow } from '../store/ports.ts';
import type { Recorder } from './idempotency.ts';
import { fail, type Outcome } from './problem.ts';
import { addRestockDelta, event, type TradeContext } from './trade-context.ts';

/** Units one restock may add: more is a typo (an extra zero), not a delivery. */
export const RESTOCK_UNITS_MAX = 1_000_000;

export interface RestockRequest {
  sku: string;
  /** Which of the SKU's stock the units go to: its spot stock (default), or its pre-sale pool. */
  pool?: 'spot' | 'presale';
  units: number;
  /** Why (退货入库 returned goods, 到货 a delivery): kept with the row for the review. */
  note: string;
}

/** The answer to a restock; the SKU's stock is the catalogue's to show. */
export interface Restocked {
  restockId: string;
  sku: string;
  pool: 'spot' | 'presale';
  units: number;
  at: number;
}

/** The ledger entry a restock adds to: the SKU, or its pre-sale pool. */
export function restockedStockId(request: Pick<RestockRequest, 'sku' | 'pool'>): string {
  return request.pool === 'presale' ? presalePoolOf(request.sku) : request.sku;
}

/** A SKU whose stock in the campaign file is not what the sale opened it with. */
export interface StockPlanChange {
  sku: string;
  inFile: number;
  opened: number;
}

/**
 * The file's stock counts once, when the sale opens its counters: an edit after that changes
 * nothing, and an operator who raised it in the file would count on units that never come.
 */
export function stockPlanChanges(ctx: Pick<TradeContext, 'index' | 'ledger'>): StockPlanChange[] {
  return stockOpenings(ctx.index.campaign.catalog).flatMap(({ sku, initial }) => {
    const opened = ctx.ledger.get(sku)?.initial;
    return opened === undefined || opened === initial ? [] : [{ sku, inFile: initial, opened }];
  });
}

/** Why the SKU cannot be restocked, or null. */
export function refusalToRestock(
  ctx: Pick<TradeContext, 'index'>,
  request: RestockRequest,
): Outcome<never> | null {
  const item = ctx.index.items.get(request.sku);
  if (!item) return fail('UNKNOWN_SKU', `no SKU ${request.sku} in the campaign`, { path: 'sku' });
  if (request.pool === 'presale' && item.presaleStock <= 0)
    return fail(
      'NO_PRESALE_POOL',
      `${request.sku} has no pre-sale stock of its own (presaleStock in the campaign)`,
      {
        path: 'pool',
      },
    );
  if (!Number.isSafeInteger(request.units) || request.units < 1 || request.units > RESTOCK_UNITS_MAX)
    return fail('INVALID_QUANTITY', `units must be a whole number from 1 to ${RESTOCK_UNITS_MAX}`, {
      path: 'units',
    });
  return null;
}

/**
 * The row and event of a restock now, in the open batch, and its answer; the caller adds the
 * row's units where its stock lives. The row names the ledger entry (a pool is `<sku>#presale`),
 * as the stock counters do.
 */
export function newRestock(
  ctx: Pick<TradeContext, 'clock' | 'newId' | 'commits'>,
  request: RestockRequest,
  operator: string,
): { answer: Restocked; row: RestockRow } {
  const at = ctx.clock();
  const restockId = ctx.newId('r');
  const { sku, units, note } = request;
  const pool = request.pool ?? 'spot';
  const row = { id: restockId, sku: restockedStockId(request), units, operator, note, at };
  ctx.commits.open.restocks.push(row);
  ctx.commits.open.events.push(
    event('StockRestocked', at, null, null, { sku, pool, units, operator, note, restockId }),
  );
  return { answer: { restockId, sku, pool, units, at }, row };
}

export async function restockSku(
  ctx: TradeContext,
  request: RestockRequest,
  operator: string,
  record: Recorder<Restocked> = () => {},
): Promise<Outcome<Restocked>> {
  const refusal = refusalToRestock(ctx, request);
  if (refusal) return refusal;
  const { answer, row } = newRestock(ctx, request, operator);
  ctx.ledger.restock(row.sku, row.units);
  addRestockDelta(ctx, row.sku, row.units);
  const outcome = { ok: true, value: answer } as const;
  record(outcome);
  await ctx.commits.wait(() => ctx.ledger.unrestock(row.sku, row.units));
  return outcome;
}
