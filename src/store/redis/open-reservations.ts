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
