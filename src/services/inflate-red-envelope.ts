// Inflating red envelopes (膨胀红包, DOMAIN.md §2): before the day each task done grows the
// envelope by its step (up to its task limit); on the day its balance is multiplied once, the first
// time the buyer uses it at checkout.
import type { RedEnvelope } from '../domain/campaign.ts';
import type { WalletEntry } from '../domain/wallet-book.ts';
import { isOpenAt } from '../domain/window.ts';
import { fail, type Outcome } from './problem.ts';
import { addWalletUpdates, event, type TradeContext } from './trade-context.ts';

function inflatingEnvelope(ctx: TradeContext, entry: WalletEntry): RedEnvelope | null {
  const coupon = ctx.index.coupons.get(entry.couponId);
  return coupon?.kind === 'red-envelope' && coupon.inflate ? coupon : null;
}

export async function completeInflationTask(
  ctx: TradeContext,
  buyerId: string,
  walletId: string,
): Promise<Outcome<WalletEntry>> {
  const entry = ctx.wallets.get(walletId);
  if (!entry || entry.buyerId !== buyerId)
    return fail('COUPON_NOT_IN_WALLET', `"${walletId}" is not in your wallet`);
  const envelope = inflatingEnvelope(ctx, entry);
  if (!envelope?.inflate) return fail('NOT_INFLATABLE', `"${walletId}" is not an inflating red envelope`);
  const now = ctx.clock();
  const dayStart = envelope.inflate.day.startMs;
  if (entry.inflated || (dayStart !== null && now >= dayStart))
    return fail('INFLATION_CLOSED', 'tasks only grow the envelope before the day');
  if (entry.tasksDone >= envelope.inflate.maxTasks)
    return fail('INFLATION_TASKS_DONE', `all ${envelope.inflate.maxTasks} tasks are done`);
  entry.tasksDone += 1;
  entry.balanceFen = (entry.balanceFen ?? 0) + envelope.inflate.perTaskFen;
  addWalletUpdates(ctx, [entry]);
  ctx.commits.open.events.push(
    event('RedEnvelopeInflated', now, null, buyerId, {
      walletId,
      tasksDone: entry.tasksDone,
      balance: entry.balanceFen,
    }),
  );
  await ctx.commits.wait(() => {
    entry.tasksDone -= 1;
    entry.balanceFen = (entry.balanceFen ?? 0) - envelope.inflate!.perTaskFen;
  });
  return { ok: true, value: entry };
}

/** On the day, the first checkout multiplies the envelope's balance (written with that checkout's batch). */
export function applyDayMultiplier(ctx: TradeContext, entry: WalletEntry): void {
  const envelope = inflatingEnvelope(ctx, entry);
  if (!envelope?.inflate || entry.inflated || entry.balanceFen === null) return;
  if (!isOpenAt(envelope.inflate.day, ctx.clock())) return;
  entry.balanceFen = Math.round(entry.balanceFen * envelope.inflate.dayMultiplier);
  entry.inflated = true;
  addWalletUpdates(ctx, [entry]);
}
