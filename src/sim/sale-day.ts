// Which day the rehearsal replays and when its flash sessions open: 11.11 of the campaign's year
// in the campaign's zone, with the flash-sale promotions that open that day grouped by second, the
// pre-sales taking deposits that day and when each coupon can be claimed (offsets in the day).
// Without a campaign (driving a server by --url) it is 11.11 in Asia/Shanghai with the default
// sessions (0:00, 10:00, 20:00), rushed on the hero SKUs, no pre-sale planned, and the coupons
// claimable that the server lists as claimable when the run starts.
import type { Campaign, CampaignPhase, TimeWindow } from '../domain/campaign.ts';
import { formatInstant, parseInstant } from '../domain/zoned-time.ts';
import { DAY_MS, DEFAULT_FLASH_OFFSETS_MS, FLASH_SESSIONS_MAX } from './traffic.ts';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export interface FlashSession {
  /** Opening second, as an offset from the day's local midnight. */
  offsetMs: number;
  /** What rush shoppers grab; empty = the hero SKUs of the catalogue. */
  skus: readonly string[];
  /** The flash-sale promotion of each SKU, which a rush shopper names at checkout. */
  promotionOf: Readonly<Record<string, string>>;
}

/** A window as offsets from the day's local midnight, half-open; ±Infinity where it is unbounded. */
export interface DayWindow {
  fromMs: number;
  toMs: number;
}

/** A pre-sale that takes deposits during the day (预售): its SKU, deposit and balance windows. */
export interface PresaleDay {
  promotionId: string;
  sku: string;
  deposit: DayWindow;
  balance: DayWindow;
}

export interface SaleDay {
  timezone: string;
  /** Local midnight that starts 11.11. */
  startMs: number;
  /** e.g. 2026-11-11 */
  date: string;
  flash: FlashSession[];
  presales: PresaleDay[];
  /** When each coupon template can be claimed (领券), by id; empty without a campaign. */
  claimWindows: Readonly<Record<string, DayWindow>>;
}

export function dayWindow(window: TimeWindow, dayStartMs: number): DayWindow {
  return {
    fromMs: window.startMs === null ? Number.NEGATIVE_INFINITY : window.startMs - dayStartMs,
    toMs: window.endMs === null ? Number.POSITIVE_INFINITY : window.endMs - dayStartMs,
  };
}

export function isInside(window: DayWindow, offsetMs: number): boolean {
  return offsetMs >= window.fromMs && offsetMs < window.toMs;
}

function midnight(date: string, timezone: string): number {
  const at = parseInstant(date, timezone);
  if (at === null) throw new Error(`no midnight for ${date} in ${timezone}`);
  return at;
}

function yearOf(ms: number, timezone: string): string {
  return formatInstant(ms, timezone).slice(0, 4);
}

/**
 * The day a rehearsal plays: the festival's own day, whatever its date (11.11, 12.12, 6.18). It is
 * the day with the most flash sessions (the later of two with as many); a campaign without them
 * plays the day its phase with the most target per day begins; with neither, 11.11 of this year.
 */
function mainDayOf(
  campaign: Campaign | null,
  flash: readonly { startMs: number }[],
  timezone: string,
  nowMs: number,
): string {
  const dayOf = (ms: number) => formatInstant(ms, timezone).slice(0, 10);
  const sessionsByDay = new Map<string, Set<number>>();
  for (const p of flash) {
    const day = dayOf(p.startMs);
    sessionsByDay.set(day, (sessionsByDay.get(day) ?? new Set()).add(p.startMs));
  }
  const busiest = [...sessionsByDay].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? 1 : -1))[0];
  if (busiest) return busiest[0];
  const perDay = (p: CampaignPhase) =>
    p.window.startMs !== null && p.window.endMs !== null
      ? p.gmvSharePercent / Math.max(1, (p.window.endMs - p.window.startMs) / DAY_MS)
      : -1;
  const phase = [...(campaign?.phases ?? [])].sort((a, b) => perDay(b) - perDay(a))[0];
  if (phase && perDay(phase) >= 0) return dayOf(phase.window.startMs!);
  return `${yearOf(nowMs, timezone)}-11-11`;
}

export function saleDayOf(campaign: Campaign | null, nowMs: number): SaleDay {
  const timezone = campaign?.timezone ?? DEFAULT_TIMEZONE;
  const flashPromotions = (campaign?.promotions ?? []).flatMap((p) =>
    p.kind === 'flash-sale' && p.window.startMs !== null
      ? [{ id: p.id, sku: p.sku, startMs: p.window.startMs }]
      : [],
  );
  const date = mainDayOf(campaign, flashPromotions, timezone, nowMs);
  const startMs = midnight(date, timezone);
  const byOffset = new Map<number, Record<string, string>>();
  for (const p of flashPromotions) {
    const offset = p.startMs - startMs;
    if (offset < 0 || offset >= DAY_MS) continue;
    const promotionOf = byOffset.get(offset) ?? {};
    promotionOf[p.sku] ??= p.id;
    byOffset.set(offset, promotionOf);
  }
  const flash: FlashSession[] =
    byOffset.size > 0
      ? [...byOffset]
          .sort((a, b) => a[0] - b[0])
          .map(([offsetMs, promotionOf]) => ({ offsetMs, skus: Object.keys(promotionOf), promotionOf }))
      : DEFAULT_FLASH_OFFSETS_MS.map((offsetMs) => ({ offsetMs, skus: [], promotionOf: {} }));
  return {
    timezone,
    startMs,
    date,
    flash: flash.slice(0, FLASH_SESSIONS_MAX),
    presales: presalesOf(campaign, startMs),
    claimWindows: Object.fromEntries(
      (campaign?.coupons ?? []).map((c) => [c.id, dayWindow(c.claimWindow, startMs)]),
    ),
  };
}

/** The pre-sales whose deposit window is open at some point of the day. */
function presalesOf(campaign: Campaign | null, dayStartMs: number): PresaleDay[] {
  return (campaign?.promotions ?? []).flatMap((p) => {
    if (p.kind !== 'presale') return [];
    const deposit = dayWindow(p.window, dayStartMs);
    if (deposit.toMs <= 0 || deposit.fromMs >= DAY_MS) return [];
    return [{ promotionId: p.id, sku: p.sku, deposit, balance: dayWindow(p.balanceWindow, dayStartMs) }];
  });
}

/** 11.11 20:05:03 — the simulated wall-clock time for the progress bar and the summary. */
export function dayClockLabel(day: SaleDay, atMs: number): string {
  const text = formatInstant(atMs, day.timezone);
  return `${Number(text.slice(5, 7))}.${Number(text.slice(8, 10))} ${text.slice(11, 19)}`;
}
