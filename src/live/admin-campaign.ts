// The campaign as the operators' pages read it (GET /api/admin/campaign): the same data as the
// campaign file, in the API's conventions — money in integer fen named without the `Fen` suffix
// (listPrice, price, budget), times as ISO with the campaign's offset, sets as sorted arrays.
// A flash session's `remaining` is what the caller says is left (the engine's offer counters, or
// the units the event log shows taken).
import type {
  Campaign,
  CatalogItem,
  CouponTemplate,
  FlashSalePromotion,
  Promotion,
  TimeWindow,
} from '../domain/campaign.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import type { LiveCampaign } from './live-snapshot.ts';
import { liveCampaign } from './pacing.ts';

export interface AdminCampaign {
  /** The campaign and its plan, as the live board has it. */
  campaign: LiveCampaign;
  stores: { id: string; name: string }[];
  /** Paid membership programmes (88VIP…): the price preview offers them to choose from. */
  memberships: { id: string; name: string; discountPercent: number }[];
  catalog: AdminCatalogItem[];
  promotions: Record<string, unknown>[];
  coupons: Record<string, unknown>[];
  flashSessions: AdminFlashSession[];
}

export interface AdminCatalogItem {
  sku: string;
  title: string;
  storeId: string;
  category: string;
  role: CatalogItem['role'];
  listPrice: number;
  cost: number;
  stock: number;
}

export interface AdminFlashSession {
  id: string;
  sku: string;
  title: string;
  price: number;
  quantity: number;
  remaining: number;
  perBuyer: number;
  start: string | null;
  end: string | null;
}

function isWindow(value: unknown): value is TimeWindow {
  return typeof value === 'object' && value !== null && 'startMs' in value && 'endMs' in value;
}

/** A promotion or coupon as plain JSON; its main window (`window`, `validity`) becomes start/end. */
export function plainOffer(offer: Promotion | CouponTemplate, timeZone: string): Record<string, unknown> {
  const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, timeZone));
  const plain = (value: unknown): unknown => {
    if (value instanceof Set) return [...value].sort();
    if (isWindow(value)) return { start: at(value.startMs), end: at(value.endMs) };
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key.replace(/Fen$/, '')] = plain(inner);
    return out;
  };
  const { id, kind, name } = offer;
  const main = 'window' in offer ? offer.window : offer.validity;
  const rest = plain(offer) as Record<string, unknown>;
  delete rest.window;
  delete rest.validity;
  return { ...rest, id, kind, name, start: at(main.startMs), end: at(main.endMs) };
}

export function adminCampaign(
  campaign: Campaign,
  remaining: (session: FlashSalePromotion) => number,
): AdminCampaign {
  const tz = campaign.timezone;
  const items = new Map(campaign.catalog.map((item) => [item.sku, item]));
  return {
    campaign: liveCampaign(campaign),
    stores: campaign.stores.map(({ id, name }) => ({ id, name })),
    memberships: campaign.memberships.map(({ id, name, discountPercent }) => ({ id, name, discountPercent })),
    catalog: campaign.catalog.map((item) => ({
      sku: item.sku,
      title: item.title,
      storeId: item.storeId,
      category: item.category,
      role: item.role,
      listPrice: item.listPriceFen,
      cost: item.costFen,
      stock: item.stock,
    })),
    promotions: campaign.promotions.map((p) => plainOffer(p, tz)),
    coupons: campaign.coupons.map((c) => plainOffer(c, tz)),
    flashSessions: campaign.promotions.flatMap((p) =>
      p.kind === 'flash-sale'
        ? [
            {
              id: p.id,
              sku: p.sku,
              title: items.get(p.sku)?.title ?? p.sku,
              price: p.priceFen,
              quantity: p.quantity,
              remaining: Math.max(0, remaining(p)),
              perBuyer: p.perBuyer,
              start: p.window.startMs === null ? null : formatInstant(p.window.startMs, tz),
              end: p.window.endMs === null ? null : formatInstant(p.window.endMs, tz),
            },
          ]
        : [],
    ),
  };
}
