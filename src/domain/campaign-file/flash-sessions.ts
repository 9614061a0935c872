// Flash sessions (场次) of one SKU take turns (DOMAIN.md §2: sessions at 0:00, 10:00, 20:00). The
// engine stacks the limited offers live at one instant, cheapest first (quote/item-level.ts), so
// in an overlap a buyer could take each session's perBuyer and one session's quantity is spent
// before the other's is touched: two sessions that overlap are a slip in the file.
import type { FlashSalePromotion, Promotion } from '../campaign.ts';
import { formatInstant } from '../zoned-time.ts';
import type { Problems } from './problems.ts';

interface Session {
  index: number;
  promotion: FlashSalePromotion;
  startMs: number;
  endMs: number;
}

/**
 * Reports each session that starts inside an earlier session of its SKU, at its `start`, naming
 * the earlier session that runs longest and the overlap. Sorting by start makes it O(n log n).
 */
export function checkFlashSessions(
  promotions: readonly (Promotion | null)[],
  timeZone: string,
  problems: Problems,
): void {
  const at = (ms: number) => formatInstant(ms, timeZone);
  for (const sessions of sessionsBySku(promotions).values()) {
    sessions.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
    let longest: Session | undefined;
    for (const session of sessions) {
      if (longest !== undefined && session.startMs < longest.endMs) {
        const { id, sku } = session.promotion;
        const overlapEndMs = Math.min(session.endMs, longest.endMs);
        problems.add(
          ['promotions', session.index, 'start'],
          `flash session "${id}" overlaps "${longest.promotion.id}" of ${sku} from ${at(session.startMs)} to ${at(overlapEndMs)}: ` +
            "sessions of one SKU take turns (in an overlap a quote fills the cheaper session first, and a buyer may take each session's perBuyer)",
        );
      }
      if (longest === undefined || session.endMs > longest.endMs) longest = session;
    }
  }
}

/** Flash sessions with a window of their own (a backwards one is reported by checkWindow). */
function sessionsBySku(promotions: readonly (Promotion | null)[]): Map<string, Session[]> {
  const bySku = new Map<string, Session[]>();
  promotions.forEach((promotion, index) => {
    if (promotion?.kind !== 'flash-sale') return;
    const { startMs, endMs } = promotion.window;
    if (startMs === null || endMs === null || endMs <= startMs) return;
    const session = { index, promotion, startMs, endMs };
    const list = bySku.get(promotion.sku);
    if (list === undefined) bySku.set(promotion.sku, [session]);
    else list.push(session);
  });
  return bySku;
}
