// Flash sessions (场次) of one SKU take turns (DOMAIN.md §2: sessions at 0:00, 10:00, 20:00). The
// engine stacks the limited offers live at one instant, cheapest first (quote/item-level.ts), so
// in an overlap a buyer could take each session's perBuyer and one session's quantity is spent
// before the other's is touched: two sessions that overlap are a slip in the file. A pre-sale takes
// its turn too: while it takes deposits its SKU sells on the pre-sale's terms alone (the first one
// open, in file order), so a flash session or another pre-sale inside its deposit window would
// never sell, though the margin report counted its price.
import type { FlashSalePromotion, PresalePromotion, Promotion } from '../campaign.ts';
import { formatInstant } from '../zoned-time.ts';
import type { Problems } from './problems.ts';

interface Session {
  index: number;
  promotion: FlashSalePromotion | PresalePromotion;
  startMs: number;
  endMs: number;
}

const WHY_FLASH =
  "sessions of one SKU take turns (in an overlap a quote fills the cheaper session first, and a buyer may take each session's perBuyer)";
const WHY_PRESALE =
  "while a pre-sale takes deposits its SKU sells on the pre-sale's terms alone, so the other would never apply: give them turns";

function named(p: Session['promotion']): string {
  return `${p.kind === 'presale' ? 'pre-sale' : 'flash session'} "${p.id}"`;
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
        const { sku, kind } = session.promotion;
        const overlapEndMs = Math.min(session.endMs, longest.endMs);
        const flashOnly = kind === 'flash-sale' && longest.promotion.kind === 'flash-sale';
        problems.add(
          ['promotions', session.index, kind === 'presale' ? 'depositStart' : 'start'],
          `${named(session.promotion)} overlaps ${flashOnly ? `"${longest.promotion.id}"` : named(longest.promotion)} of ${sku} from ${at(session.startMs)} to ${at(overlapEndMs)}: ` +
            (flashOnly ? WHY_FLASH : WHY_PRESALE),
        );
      }
      if (longest === undefined || session.endMs > longest.endMs) longest = session;
    }
  }
}

/** Flash sessions and pre-sales' deposit windows (a backwards one is reported by checkWindow). */
function sessionsBySku(promotions: readonly (Promotion | null)[]): Map<string, Session[]> {
  const bySku = new Map<string, Session[]>();
  promotions.forEach((promotion, index) => {
    if (promotion?.kind !== 'flash-sale' && promotion?.kind !== 'presale') return;
    const { startMs, endMs } = promotion.window;
    if (startMs === null || endMs === null || endMs <= startMs) return;
    const session = { index, promotion, startMs, endMs };
    const list = bySku.get(promotion.sku);
    if (list === undefined) bySku.set(promotion.sku, [session]);
    else list.push(session);
  });
  return bySku;
}
