// Step 1 of a quote (PRICING.md §1): every unit gets exactly one unit price, the lowest of its list
// price and every item-level offer open to it; offers never combine. Bundles then replace their
// component units' prices. The result is the activity price (活动价) of every unit.

import type { Buyer } from '../buyer.ts';
import type { CatalogItem, Instant, PromotionKind } from '../campaign.ts';
import type { CampaignIndex, ItemLevelPromotion } from '../campaign-index.ts';
import type { Fen } from '../money.ts';
import { budgetExhausted, type OfferUsage } from '../offer-usage.ts';
import { activeBundles, bundleUnitPrices, formBundles, type PricedUnits } from '../promotions/bundle.ts';
import { firstNOffer } from '../promotions/first-n.ts';
import { flashSaleOffer } from '../promotions/flash-sale.ts';
import { ladderOffer } from '../promotions/ladder.ts';
import { limitedTimeOffer } from '../promotions/limited-time.ts';
import { memberPriceOffer } from '../promotions/member-price.ts';
import { openPresale, type PresaleTerms, presaleTerms } from '../promotions/presale.ts';
import type { UnitOffer, UnitOfferContext } from '../promotions/unit-offer.ts';

export interface OfferRef {
  id: string;
  kind: PromotionKind;
}

/** Units of one cart line that share one activity price. A cart line may split into several. */
export interface ActivityLine {
  lineNo: number;
  item: CatalogItem;
  qty: number;
  /** Activity price per unit; for a pre-sale unit, deposit + balance (d + p − v). */
  unitPriceFen: Fen;
  offer: OfferRef | null;
  presale: PresaleTerms | null;
}

export interface CartLine {
  sku: string;
  qty: number;
}

function unitOffer(promotion: ItemLevelPromotion, ctx: UnitOfferContext): UnitOffer | null {
  switch (promotion.kind) {
    case 'flash-sale':
      return flashSaleOffer(promotion, ctx);
    case 'limited-time':
      return limitedTimeOffer(promotion, ctx);
    case 'first-n':
      return firstNOffer(promotion, ctx);
    case 'ladder':
      return ladderOffer(promotion, ctx);
    case 'member-price':
      return memberPriceOffer(promotion, ctx);
  }
}

interface Segment extends PricedUnits {
  offer: OfferRef | null;
}

/** Lowest price per unit: unlimited offers set the base, limited ones (flash, first-N) undercut it. */
function segmentsForLine(index: CampaignIndex, ctx: UnitOfferContext): Segment[] {
  const promotions = index.itemOffers.get(ctx.item.sku);
  if (promotions === undefined) return [{ qty: ctx.qty, unitPriceFen: ctx.item.listPriceFen, offer: null }];
  const offers: UnitOffer[] = [];
  for (const promotion of promotions) {
    if (budgetExhausted(ctx.usage, promotion.id, promotion.budgetFen)) continue;
    const offer = unitOffer(promotion, ctx);
    if (offer) offers.push(offer);
  }
  let base: Segment = { qty: ctx.qty, unitPriceFen: ctx.item.listPriceFen, offer: null };
  for (const offer of offers) {
    if (offer.unitsMax === Number.POSITIVE_INFINITY && offer.unitPriceFen < base.unitPriceFen) {
      base = {
        qty: ctx.qty,
        unitPriceFen: offer.unitPriceFen,
        offer: { id: offer.promotionId, kind: offer.kind },
      };
    }
  }
  const limited = offers
    .filter((o) => o.unitsMax !== Number.POSITIVE_INFINITY && o.unitPriceFen < base.unitPriceFen)
    .sort((a, b) => a.unitPriceFen - b.unitPriceFen || (a.promotionId < b.promotionId ? -1 : 1));
  const segments: Segment[] = [];
  for (const offer of limited) {
    const qty = Math.min(offer.unitsMax, base.qty);
    if (qty <= 0) break;
    segments.push({
      qty,
      unitPriceFen: offer.unitPriceFen,
      offer: { id: offer.promotionId, kind: offer.kind },
    });
    base.qty -= qty;
  }
  if (base.qty > 0) segments.push(base);
  // Dearest first: bundles take the units that gain most from them.
  return segments.sort((a, b) => b.unitPriceFen - a.unitPriceFen);
}

export function priceItems(
  index: CampaignIndex,
  lines: readonly CartLine[],
  buyer: Buyer,
  atMs: Instant,
  usage: OfferUsage,
): ActivityLine[] {
  const result: ActivityLine[] = [];
  const segmentsBySku = new Map<string, Segment[]>();
  const lineNoBySku = new Map<string, number>();
  lines.forEach((line, lineNo) => {
    const item = index.items.get(line.sku)!;
    const presale = openPresale(index.presales.get(line.sku), atMs);
    if (
      presale &&
      !budgetExhausted(usage, presale.id, presale.budgetFen) &&
      (usage.presaleStockLeft?.get(line.sku) ?? Number.POSITIVE_INFINITY) >= line.qty
    ) {
      const terms = presaleTerms(presale);
      const offer = { id: presale.id, kind: presale.kind };
      result.push({
        lineNo,
        item,
        qty: line.qty,
        unitPriceFen: terms.activityUnitFen,
        offer,
        presale: terms,
      });
      return;
    }
    segmentsBySku.set(line.sku, segmentsForLine(index, { atMs, item, qty: line.qty, buyer, usage }));
    lineNoBySku.set(line.sku, lineNo);
  });
  result.push(...bundleLines(index, segmentsBySku, lineNoBySku, atMs, usage));
  for (const [sku, segments] of segmentsBySku) {
    const lineNo = lineNoBySku.get(sku)!;
    const item = index.items.get(sku)!;
    for (const s of segments) {
      if (s.qty > 0)
        result.push({
          lineNo,
          item,
          qty: s.qty,
          unitPriceFen: s.unitPriceFen,
          offer: s.offer,
          presale: null,
        });
    }
  }
  return result.sort((a, b) => a.lineNo - b.lineNo);
}

function bundleLines(
  index: CampaignIndex,
  segmentsBySku: Map<string, Segment[]>,
  lineNoBySku: ReadonlyMap<string, number>,
  atMs: Instant,
  usage: OfferUsage,
): ActivityLine[] {
  const lines: ActivityLine[] = [];
  if (index.bundles.length === 0) return lines;
  const candidates = activeBundles(index.bundles, new Set(segmentsBySku.keys()), atMs, usage);
  for (const bundle of candidates) {
    const instances = formBundles(bundle, segmentsBySku);
    if (instances === 0) continue;
    const prices = bundleUnitPrices(bundle, index.items);
    for (const sku of bundle.skus) {
      lines.push({
        lineNo: lineNoBySku.get(sku)!,
        item: index.items.get(sku)!,
        qty: instances,
        unitPriceFen: prices.get(sku)!,
        offer: { id: bundle.id, kind: bundle.kind },
        presale: null,
      });
    }
  }
  return lines;
}
