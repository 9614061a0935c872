// Fencing an order that never reached PostgreSQL (servers sharing PostgreSQL and Redis). A server
// reserves stock in Redis, then writes the order in its next group commit. If the order is missing
// past the grace period, the reconciler gives back what it took; but a write that stalled (a lock,
// a failover, an I/O stall) could still land afterwards and be acknowledged holding no stock.
// So before anything is given back, the order id is fenced: the fence is the order's own
// payment-deadline timer row, which every placement inserts in its batch's transaction. If that
// transaction is still open, PostgreSQL makes the fence wait for it (the same key in a unique
// index); if the fence gets in first, the placement's insert fails and its whole batch is refused,
// so nothing of it is acknowledged. After the fence, the orders table says the truth for good.
import { type Kysely, sql } from 'kysely';
import type { TradeDatabase } from './schema.ts';

/** The id of an order's payment-deadline timer, which its placement writes with the order. */
export const deadlineTimerId = (orderId: string) => `deadline:${orderId}`;

/**
 * Fences `orderId` and says whether the order exists: false means it is not written and never
 * will be, so what it took may be given back; true means it was written (perhaps just now).
 */
export async function fenceOrder(db: Kysely<TradeDatabase>, orderId: string, now: number): Promise<boolean> {
  await sql`INSERT INTO timers (id, kind, ref, due_at, fired_at)
    VALUES (${deadlineTimerId(orderId)}, 'fence', ${orderId}, ${now}, ${now})
    ON CONFLICT (id) DO NOTHING`.execute(db);
  const order = await db.selectFrom('orders').select('id').where('id', '=', orderId).executeTakeFirst();
  return order !== undefined;
}
