// Builds a sale's Redis counters again from PostgreSQL (`dacu redis rebuild`), after Redis lost
// some (counter-audit.ts). With every server stopped, PostgreSQL has every order that was ever
// acknowledged, so the counters are what the campaign opened, plus the pre-sale switches, minus
// what the orders hold: each order that still holds stock is reserved again through the same
// scripts a checkout uses (its stock lines, offer units and budget spend), a paid one is then
// committed, and every coupon claimed into a wallet is counted again. Orders that closed hold
// nothing. What a stopped server had reserved but never written was never acknowledged, and is
// rightly gone.
import type { CampaignIndex } from '../../domain/campaign-index.ts';
import { stockOpenings } from '../../domain/stock-pools.ts';
import type { HotReserveFailure } from '../../store/redis/hot-types.ts';
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import type { PostgresTradeStore } from '../../store/sql/postgres-trade-store.ts';
import {
  claimsAfter,
  type HeldOrder,
  heldOrdersAfter,
  soldOutActionsEver,
} from '../../store/sql/sale-holdings.ts';
import { budgetIdsOf, budgetOpenings, budgetTakesOf, hotTakesOf, unitOffersOf } from './shared-offers.ts';
import { applyRestockRow } from './shared-restock.ts';
import { applyRestock } from './shared-sold-out.ts';

/** Orders and claims replayed at once (one page of the keyset read). */
const PAGE = 500;

/** Opens what the campaign sells in Redis: stock (and pre-sale pools), limited offers, budgets. */
export async function openSaleCounters(hot: RedisHotLedger, index: CampaignIndex): Promise<string[]> {
  const openings = stockOpenings(index.campaign.catalog);
  await hot.openStock(openings);
  const offers = [...unitOffersOf(index).values()];
  await hot.openOffers(offers.map(({ offerId, storeId, units }) => ({ offerId, storeId, units })));
  await hot.openBudgets(budgetOpenings(index));
  return openings.map((o) => o.sku);
}

export interface Rebuilt {
  keysDropped: number;
  stockIds: number;
  /** Switches to pre-sale and restocks whose units were added again. */
  restocks: number;
  /** Orders reserved again: still to pay (or a pre-sale's balance), and paid. */
  open: number;
  paid: number;
  claims: number;
  /** What could not be counted again (the campaign file changed under the database): one line each. */
  refused: string[];
}

export async function rebuildCounters(
  index: CampaignIndex,
  store: PostgresTradeStore,
  hot: RedisHotLedger,
): Promise<Rebuilt> {
  const keysDropped = await hot.dropCounters();
  const stockIds = await openSaleCounters(hot, index);
  const done: Rebuilt = {
    keysDropped,
    stockIds: stockIds.length,
    restocks: 0,
    open: 0,
    paid: 0,
    claims: 0,
    refused: [],
  };
  // Units added since the sale opened first, every switch to pre-sale and every restock: they
  // were there for the orders that took them.
  const shared = { hot, ctx: { index }, restocksSeen: new Set<string>() };
  for (const s of await soldOutActionsEver(store.db))
    if (await applyRestock(shared, s.sku, s.action, s.at)) done.restocks += 1;
  for (const row of await store.loadRestocks()) if (await applyRestockRow(shared, row)) done.restocks += 1;
  const replay = orderReplay(index, hot, done);
  for (let page = await heldOrdersAfter(store.db, '', PAGE); page.length > 0; ) {
    await Promise.all(page.map(replay));
    page = await heldOrdersAfter(store.db, page.at(-1)!.id, PAGE);
  }
  for (let page = await claimsAfter(store.db, '', PAGE); page.length > 0; ) {
    await Promise.all(
      page.map(async (claim) => {
        // Counted whatever the caps say: the wallet row is there, and claims that raced the
        // last one may have gone past a cap in the sale itself.
        const counted = await hot.claimCoupon({ ...claim, total: null, perBuyer: Number.MAX_SAFE_INTEGER });
        if (!counted.ok) {
          done.refused.push(`wallet ${claim.walletId}: coupon ${claim.couponId} ${counted.code}`);
          return;
        }
        await hot.claimWritten(claim.couponId, claim.walletId);
        done.claims += 1;
      }),
    );
    page = await claimsAfter(store.db, page.at(-1)!.walletId, PAGE);
  }
  return done;
}

/** Reserves one order again (its stock, offer units and budget spend) and commits it if paid. */
function orderReplay(index: CampaignIndex, hot: RedisHotLedger, done: Rebuilt) {
  const unitOffers = unitOffersOf(index);
  const budgetIds = budgetIdsOf(index);
  return async (order: HeldOrder): Promise<void> => {
    const reserved = await hot.reserve({
      orderId: order.id,
      storeId: order.storeId,
      buyerId: order.buyerId,
      lines: order.stock,
      takes: hotTakesOf(unitOffers, order.takes),
      at: order.placedAt,
    });
    if (!reserved.ok) {
      done.refused.push(`order ${order.id}: ${refusal(reserved)}`);
      return;
    }
    const spend = budgetTakesOf(budgetIds, order.takes);
    if (spend.length > 0) {
      const taken = await hot.replayBudgets(order.id, spend, order.placedAt);
      if (!taken.ok)
        done.refused.push(`order ${order.id}: budget ${spend.map((s) => s.offerId).join(', ')} spent`);
    }
    if (order.status !== 'paid') {
      done.open += 1;
      return;
    }
    await hot.commit(order.storeId, order.id);
    if (spend.length > 0)
      await hot.keepBudgets(
        order.id,
        spend.map((s) => s.offerId),
      );
    done.paid += 1;
  };
}

function refusal(failure: HotReserveFailure): string {
  if ('sku' in failure) return `${failure.code} ${failure.sku}`;
  if ('offerId' in failure) return `${failure.code} ${failure.offerId}`;
  return failure.code;
}
