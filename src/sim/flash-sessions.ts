// 秒杀 limits, read back (DOMAIN.md §2, §3): the units a flash session sold or holds at its price
// never exceed the session's quantity, and no buyer got more than perBuyer of them. Counted from
// the order lines as the server stored them (each line names the offer that priced it).
import type Database from 'better-sqlite3';
import type { Campaign } from '../domain/campaign.ts';

export interface FlashLimit {
  id: string;
  sku: string;
  quantity: number;
  perBuyer: number;
}

export interface FlashTally extends FlashLimit {
  /** Units at the session price in paid or pending orders of this run. */
  units: number;
  /** The most one buyer of this run got. */
  buyerMax: number;
}

export function flashLimitsOf(campaign: Campaign | null): FlashLimit[] {
  return (campaign?.promotions ?? []).flatMap((p) =>
    p.kind === 'flash-sale' ? [{ id: p.id, sku: p.sku, quantity: p.quantity, perBuyer: p.perBuyer }] : [],
  );
}

interface StoredLine {
  qty: number;
  offer: { id: string; kind: string } | null;
}

export function tallyFlashSessions(sqlite: Database.Database, runTag: string, limits: readonly FlashLimit[]) {
  const byId = new Map(limits.map((l) => [l.id, { ...l, units: 0, buyerMax: 0 }]));
  const perBuyer = new Map<string, number>();
  if (byId.size === 0) return [];
  const rows = sqlite
    .prepare(
      `SELECT buyer_id, detail FROM orders WHERE buyer_id LIKE ? AND status IN ('paid', 'pending_payment')
        AND detail LIKE '%"flash-sale"%'`,
    )
    .raw()
    .iterate(`sim-${runTag}-%`) as Iterable<[string, string]>;
  for (const [buyerId, detail] of rows) {
    for (const line of (JSON.parse(detail) as { lines: StoredLine[] }).lines) {
      const tally = line.offer ? byId.get(line.offer.id) : undefined;
      if (!tally) continue;
      tally.units += line.qty;
      const key = `${tally.id}\u0000${buyerId}`;
      const bought = (perBuyer.get(key) ?? 0) + line.qty;
      perBuyer.set(key, bought);
      tally.buyerMax = Math.max(tally.buyerMax, bought);
    }
  }
  return [...byId.values()];
}
