// The reconciler's view: reservations still open before a given time, across every slot (store
// slots and hot-SKU bucket slots), on one Redis or a Cluster. A reservation open for long usually
// belongs to an order that never reached PostgreSQL; the reconciler then releases it by order id.
import type { HotContext } from './hot-context.ts';
import type { OpenReservation, ReservationState } from './hot-types.ts';
import { HotKeys } from './redis-keys.ts';

/** Slots asked at once: bounds the commands in flight when a sale has thousands of stores. */
const slotsInFlightMax = 256;

export async function openReservations(
  ctx: HotContext,
  reservedBeforeMs: number,
  limit: number,
): Promise<OpenReservation[]> {
  const slots = Object.entries(await ctx.client.hgetall(ctx.keys.slots));
  const earliest = new Map<string, { storeId: string; orderId: string; at: number }>();
  for (let i = 0; i < slots.length; i += slotsInFlightMax) {
    const batch = slots.slice(i, i + slotsInFlightMax);
    const replies = await Promise.all(
      batch.map(([tag]) =>
        ctx.client.zrangebyscore(
          HotKeys.open(ctx.keys.base(tag)),
          '-inf',
          `(${reservedBeforeMs}`,
          'WITHSCORES',
          'LIMIT',
          0,
          limit,
        ),
      ),
    );
    batch.forEach(([, storeId], b) => {
      const reply = replies[b]!;
      for (let j = 0; j < reply.length; j += 2) {
        const orderId = reply[j]!;
        const at = Number(reply[j + 1]);
        // A bucketed order is open in its store slot and in its buckets: one entry per store order.
        const id = `${storeId}\u0000${orderId}`;
        const seen = earliest.get(id);
        if (!seen || at < seen.at) earliest.set(id, { storeId, orderId, at });
      }
    });
  }
  const oldest = [...earliest.values()].sort((a, b) => a.at - b.at).slice(0, limit);
  const states = await Promise.all(
    oldest.map((o) =>
      ctx.client.hget(HotKeys.record(ctx.keys.base(ctx.keys.storeTag(o.storeId)), o.orderId), 'state'),
    ),
  );
  return oldest.map((o, i) => ({ ...o, state: (states[i] as ReservationState | null) ?? 'missing' }));
}

/**
 * Moves reservations whose orders are in PostgreSQL and still open (awaiting payment) to
 * `untilMs` in every slot of their store, so the oldest reservations the reconciler reads next are
 * ones it has not judged yet: a sale with more pending orders than one read would otherwise show it
 * the same pending orders on every pass, and an orphan behind them would wait until they closed.
 * Only members still there move (ZADD XX): one released or sold meanwhile stays gone.
 */
export async function deferReservations(
  ctx: HotContext,
  reservations: readonly { storeId: string; orderId: string }[],
  untilMs: number,
): Promise<void> {
  if (reservations.length === 0) return;
  const tagsOf = new Map<string, string[]>();
  for (const [tag, storeId] of Object.entries(await ctx.client.hgetall(ctx.keys.slots))) {
    tagsOf.set(storeId, [...(tagsOf.get(storeId) ?? []), tag]);
  }
  const moves = reservations.flatMap(({ storeId, orderId }) =>
    (tagsOf.get(storeId) ?? []).map((tag) => [HotKeys.open(ctx.keys.base(tag)), orderId] as const),
  );
  for (let i = 0; i < moves.length; i += slotsInFlightMax) {
    await Promise.all(
      moves
        .slice(i, i + slotsInFlightMax)
        .map(([key, orderId]) => ctx.client.zadd(key, 'XX', untilMs, orderId)),
    );
  }
}
