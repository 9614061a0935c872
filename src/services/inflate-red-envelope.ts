// Inflating red envelopes (膨胀红包, DOMAIN.md §2): before the day each task done grows the
// envelope by its step (up to its task limit); on the day its balance is multiplied once, the first
// time the buyer uses it at checkout.
import type { RedEnvelope } from '../domain/campaign.ts';
import type { WalletEntry } from '../domain/wallet-book.ts';
import { isOpenAt } from '../domain/window.ts';
import type { EventRow } from '../store/ports.ts';
import { fail, type Outcome } from './problem.ts';
import { addWalletUpdates, event, type TradeContext } from './trade-context.ts';

function inflatingEnvelope(ctx: Pick<TradeContext, 'index'>, entry: WalletEntry): RedEnvelope | null {
  const coupon = ctx.index.coupons.get(entry.couponId);
  return coupon?.kind === 'red-envelope' && coupon.inflate ? coupon : null;
}

/** The envelope an inflation task may grow, or why not (checked by every backend). */
export function inflationTask(
  ctx: Pick<TradeContext, 'index'>,
  buyerId: string,
  walletId: string,
  entry: WalletEntry | undefined,
  now: number,
): Outcome<{ entry: WalletEntry; inflate: NonNullable<RedEnvelope['inflate']> }> {
  if (!entry || entry.buyerId !== buyerId)
    return fail('COUPON_NOT_IN_WALLET', `"${walletId}" is not in your wallet`);
  const inflate = inflatingEnvelope(ctx, entry)?.inflate;
  if (!inflate) return fail('NOT_INFLATABLE', `"${walletId}" is not an inflating red envelope`);
  const dayStart = inflate.day.startMs;
  if (entry.inflated || (dayStart !== null && now >= dayStart))
    return fail('INFLATION_CLOSED', 'tasks only grow the envelope before the day');
  if (entry.tasksDone >= inflate.maxTasks)
    return fail('INFLATION_TASKS_DONE', `all ${inflate.maxTasks} tasks are done`);
  return { ok: true, value: { entry, inflate } };
}

export async function completeInflationTask(
  ctx: TradeContext,
  buyerId: string,
  walletId: string,
): Promise<Outcome<WalletEntry>> {
  const now = ctx.clock();
  const task = inflationTask(ctx, buyerId, walletId, ctx.wallets.get(walletId), now);
  if (!task.ok) return task;
  const { entry, inflate } = task.value;
  entry.tasksDone += 1;
  entry.balanceFen = (entry.balanceFen ?? 0) + inflate.perTaskFen;
  addWalletUpdates(ctx, [entry]);
  ctx.commits.open.events.push(inflatedEvent(now, buyerId, walletId, entry));
  await ctx.commits.wait(() => {
    entry.tasksDone -= 1;
    entry.balanceFen = (entry.balanceFen ?? 0) - inflate.perTaskFen;
  });
  return { ok: true, value: entry };
}

export function inflatedEvent(
  now: number,
  buyerId: string,
  walletId: string,
  grown: { tasksDone: number; balanceFen: number | null },
): EventRow {
  return event('RedEnvelopeInflated', now, null, buyerId, {
    walletId,
    tasksDone: grown.tasksDone,
    balance: grown.balanceFen,
  });
}

/** On the day, the multiplier a red envelope's first checkout applies to its balance (null: none now). */
export function dayMultiplierOf(
  ctx: Pick<TradeContext, 'index'>,
  entry: WalletEntry,
  now: number,
): number | null {
  const envelope = inflatingEnvelope(ctx, entry);
  if (!envelope?.inflate || entry.inflated || entry.balanceFen === null) return null;
  return isOpenAt(envelope.inflate.day, now) ? envelope.inflate.dayMultiplier : null;
}

/** Multiplies the envelope's balance for the day (in memory; the caller makes it durable). */
export function multiplyForDay(entry: WalletEntry, multiplier: number): void {
  entry.balanceFen = Math.round((entry.balanceFen ?? 0) * multiplier);
  entry.inflated = true;
}

/** Multiplies the envelope's balance when `now` is its day and it was not yet (in memory); the
 *  multiplier applied, or null. */
export function multiplyIfTheDay(
  ctx: Pick<TradeContext, 'index'>,
  entry: WalletEntry,
  now: number,
): number | null {
  const multiplier = dayMultiplierOf(ctx, entry, now);
  if (multiplier !== null) multiplyForDay(entry, multiplier);
  return multiplier;
}

/** On the day, the first checkout multiplies the envelope's balance (written with that checkout's batch). */
export function applyDayMultiplier(ctx: TradeContext, entry: WalletEntry): void {
  if (multiplyIfTheDay(ctx, entry, ctx.clock()) !== null) addWalletUpdates(ctx, [entry]);
}
