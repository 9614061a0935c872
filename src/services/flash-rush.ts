// Rushing a flash session (秒杀): the shopper names the session, and the order is refused with a
// clear code when the session is not open, is sold out or the buyer's limit is reached — instead
// of quietly charging the list price (DOMAIN.md §3: per-buyer limits, sold-out visible at once).

import type { FlashSalePromotion } from '../domain/campaign.ts';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import type { CartLine } from '../domain/quote/item-level.ts';
import type { Quote } from '../domain/quote/types.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import { fail, type Outcome } from './problem.ts';

/** What a rush needs to know of a limited offer: the engine's counters, or Redis's on a shared backend. */
export interface OfferCounts {
  unitsLeftOf(offerId: string): number | undefined;
  boughtBy(offerId: string, buyerId: string): number;
}

export function checkFlashRush(
  index: CampaignIndex,
  offers: OfferCounts,
  buyerId: string,
  lines: readonly CartLine[],
  sessionIds: readonly string[],
  nowMs: number,
): Outcome<FlashSalePromotion[]> {
  const sessions: FlashSalePromotion[] = [];
  for (const [i, id] of sessionIds.entries()) {
    const session = index.promotions.get(id);
    if (session?.kind !== 'flash-sale')
      return fail('UNKNOWN_FLASH_SESSION', `no flash session "${id}"`, { path: `flashSessions[${i}]` });
    if (!lines.some((l) => l.sku === session.sku)) {
      return fail(
        'VALIDATION_FAILED',
        `flash session ${id} is for ${session.sku}, which is not in the cart`,
        { path: `flashSessions[${i}]` },
      );
    }
    const tz = index.campaign.timezone;
    if (session.window.startMs !== null && nowMs < session.window.startMs) {
      const startsAt = formatInstant(session.window.startMs, tz);
      return fail('FLASH_SESSION_NOT_OPEN', `flash session ${id} opens at ${startsAt}`, {
        extra: { startsAt },
      });
    }
    if (session.window.endMs !== null && nowMs >= session.window.endMs)
      return fail('FLASH_SESSION_ENDED', `flash session ${id} has ended`);
    if ((offers.unitsLeftOf(id) ?? 0) <= 0) return fail('FLASH_SOLD_OUT', `flash session ${id} is sold out`);
    if (offers.boughtBy(id, buyerId) >= session.perBuyer) {
      return fail('FLASH_LIMIT_REACHED', `at most ${session.perBuyer} per buyer in flash session ${id}`, {
        extra: { perBuyer: session.perBuyer },
      });
    }
    sessions.push(session);
  }
  return { ok: true, value: sessions };
}

/** After pricing: every unit of a rushed SKU must have the session price, or the rush fails. */
export function checkRushPriced(
  quote: Quote,
  offers: OfferCounts,
  buyerId: string,
  sessions: readonly FlashSalePromotion[],
): Outcome<null> {
  for (const session of sessions) {
    const lines = quote.stores.flatMap((s) => s.lines).filter((l) => l.sku === session.sku);
    if (lines.every((l) => l.offer?.id === session.id)) continue;
    const wanted = lines.reduce((sum, l) => sum + l.qty, 0);
    if (wanted > session.perBuyer - offers.boughtBy(session.id, buyerId)) {
      return fail(
        'FLASH_LIMIT_REACHED',
        `at most ${session.perBuyer} per buyer in flash session ${session.id}`,
        { extra: { perBuyer: session.perBuyer } },
      );
    }
    return fail('FLASH_SOLD_OUT', `flash session ${session.id} has fewer units left than asked for`, {
      extra: { left: offers.unitsLeftOf(session.id) ?? 0 },
    });
  }
  return { ok: true, value: null };
}
