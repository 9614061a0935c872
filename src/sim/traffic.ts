// The traffic of an 11.11 day (DOMAIN.md §9, §6's time nodes), in Asia/Shanghai wall-clock time:
// a huge midnight rush (0:00–0:30), a quiet night (2:00–8:00), flash-sale peaks at 10:00 and
// 20:00, and the evening peak 20:00–23:00. On top of the curve, rush shoppers pile in at the very
// second a flash session opens. Pure and seeded: the same seed and size give the same arrivals.
// The driver compresses the day by `speed` (1440 = a day in a minute).
import { Random, STREAM, seedFor } from './random.ts';

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
export const MINUTES_PER_DAY = 1_440;
const HOUR = 60;

/** The default flash sessions of an 11.11 day: 0:00, 10:00, 20:00 (DOMAIN.md §2). */
export const DEFAULT_FLASH_OFFSETS_MS: readonly number[] = [0, 10 * 60 * MINUTE_MS, 20 * 60 * MINUTE_MS];

/**
 * Relative arrival rate per minute at the given minute of the day; linear between these points.
 * A repeated minute is a step (the flash sessions open at once, they do not ramp up).
 */
const CURVE: readonly (readonly [minute: number, rate: number])[] = [
  [0, 30], // midnight: the whole country was waiting for 0:00
  [10, 22],
  [30, 10],
  [1 * HOUR, 5],
  [2 * HOUR, 1.2],
  [3 * HOUR, 0.6], // quiet night 2:00–8:00
  [5 * HOUR, 0.4],
  [7 * HOUR, 0.7],
  [8 * HOUR, 1.5],
  [9 * HOUR, 2.5],
  [10 * HOUR, 2.8],
  [10 * HOUR, 9], // 10:00 flash session
  [10 * HOUR + 15, 5],
  [10 * HOUR + 30, 3.5],
  [11 * HOUR, 3],
  [12 * HOUR, 3.2],
  [13 * HOUR, 2.8],
  [17 * HOUR, 2.8],
  [18 * HOUR, 3],
  [19 * HOUR, 3.5],
  [20 * HOUR, 4],
  [20 * HOUR, 12], // 20:00 flash session, then the evening peak until 23:00
  [20 * HOUR + 15, 8],
  [20 * HOUR + 30, 6.5],
  [21 * HOUR, 6],
  [22 * HOUR, 5.5],
  [23 * HOUR, 4.5],
  [23 * HOUR + 30, 3.5],
  [24 * HOUR, 3],
];

/** Relative arrival rate at a point of the day (minutes since local midnight, fractions allowed). */
export function dayIntensity(minute: number): number {
  if (minute <= 0) return CURVE[0]![1];
  for (let i = 1; i < CURVE.length; i++) {
    const [m1, r1] = CURVE[i]!;
    if (minute < m1) {
      const [m0, r0] = CURVE[i - 1]!;
      return r0 + ((r1 - r0) * (minute - m0)) / (m1 - m0);
    }
  }
  return CURVE[CURVE.length - 1]![1];
}

/** Share of the sessions that are rush shoppers at a flash second (the rest follow the curve). */
export const RUSH_SHARE_DEFAULT = 0.04;
/** Rush shoppers arrive this fast after the session opens (mean), and within the cut-off. */
const RUSH_MEAN_MS = 8_000;
const RUSH_CUTOFF_MS = 120_000;
/** Flash sessions a day can rush (rush holds the session index in an Int8Array). */
export const FLASH_SESSIONS_MAX = 100;
/** How the rush splits over the sessions when there are three: midnight is the biggest. */
const RUSH_WEIGHTS_3 = [0.5, 0.2, 0.3];

export interface TrafficOptions {
  /** Shopper sessions over the day. */
  sessions: number;
  seed: number;
  /** Flash sessions' opening seconds, as offsets from local midnight. */
  flashOffsetsMs?: readonly number[];
  rushShare?: number;
}

export interface Arrivals {
  /** Offset from local midnight of each session's arrival, ascending. */
  offsetMs: Float64Array;
  /** Index into flashOffsetsMs of the session a rush shopper came for; -1 for everyone else. */
  rush: Int8Array;
}

/**
 * Sessions per minute, exactly `total` over the day: each minute gets the rounded running total of
 * the curve less the minutes before it. A quiet minute's 0.2 sessions thus add up with its
 * neighbours' into one every five minutes, rather than losing to every busier minute (largest
 * remainders left a small day's night, and its afternoon, with hours of no shoppers at all).
 */
export function minuteCounts(total: number): Uint32Array {
  const weights = new Float64Array(MINUTES_PER_DAY);
  let sum = 0;
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    weights[m] = dayIntensity(m + 0.5);
    sum += weights[m]!;
  }
  const counts = new Uint32Array(MINUTES_PER_DAY);
  let running = 0;
  let given = 0;
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    running += weights[m]!;
    const upTo = m === MINUTES_PER_DAY - 1 ? total : Math.round((total * running) / sum);
    counts[m] = upTo - given;
    given = upTo;
  }
  return counts;
}

function rushCounts(total: number, sessions: number): number[] {
  if (sessions === 0) return [];
  const weights = sessions === 3 ? RUSH_WEIGHTS_3 : Array.from({ length: sessions }, () => 1 / sessions);
  const counts = weights.map((w) => Math.floor(total * w));
  for (let k = 0, given = counts.reduce((a, b) => a + b, 0); given < total; k++, given++) {
    counts[k % sessions]! += 1;
  }
  return counts;
}

/** The arrivals of the day: `sessions` of them, sorted by time, seeded. */
export function planArrivals(options: TrafficOptions): Arrivals {
  const { sessions, seed } = options;
  const flash = (options.flashOffsetsMs ?? DEFAULT_FLASH_OFFSETS_MS)
    .filter((o) => o >= 0 && o < DAY_MS)
    .slice(0, FLASH_SESSIONS_MAX);
  const rushTotal = flash.length === 0 ? 0 : Math.round(sessions * (options.rushShare ?? RUSH_SHARE_DEFAULT));
  // Rush arrivals, bucketed by minute so they merge with the curve's minute by minute.
  const rushByMinute = new Map<number, { at: number; rush: number }[]>();
  const rushRandom = new Random(seedFor(seed, STREAM.rush));
  rushCounts(rushTotal, flash.length).forEach((count, session) => {
    for (let k = 0; k < count; k++) {
      const at = Math.min(
        DAY_MS - 1,
        flash[session]! + Math.min(rushRandom.exponential(RUSH_MEAN_MS), RUSH_CUTOFF_MS),
      );
      const minute = Math.floor(at / MINUTE_MS);
      const list = rushByMinute.get(minute) ?? [];
      list.push({ at, rush: session });
      rushByMinute.set(minute, list);
    }
  });
  const counts = minuteCounts(sessions - rushTotal);
  const offsetMs = new Float64Array(sessions);
  const rush = new Int8Array(sessions);
  const random = new Random(seedFor(seed, STREAM.arrivals));
  let i = 0;
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    const minute: { at: number; rush: number }[] = [];
    for (let k = 0; k < counts[m]!; k++)
      minute.push({ at: m * MINUTE_MS + random.float() * MINUTE_MS, rush: -1 });
    minute.push(...(rushByMinute.get(m) ?? []));
    minute.sort((a, b) => a.at - b.at);
    for (const a of minute) {
      offsetMs[i] = a.at;
      rush[i] = a.rush;
      i++;
    }
  }
  return { offsetMs, rush };
}

/** Every this-many-th session only browses (catalog, maybe a quote) and places no order. */
export const BROWSE_EVERY = 5;

export function isBrowseOnly(index: number): boolean {
  return index % BROWSE_EVERY === BROWSE_EVERY - 1;
}

/** Order-placing sessions among the first `sessions`. */
export function orderSessionsIn(sessions: number): number {
  return sessions - Math.floor(sessions / BROWSE_EVERY);
}

/** The fewest sessions whose order-placing ones number `orders` (each places one checkout). */
export function sessionsForOrders(orders: number): number {
  let n = Math.floor((orders * BROWSE_EVERY) / (BROWSE_EVERY - 1));
  while (orderSessionsIn(n) < orders) n++;
  while (n > 0 && orderSessionsIn(n - 1) >= orders) n--;
  return n;
}

/** Arrivals per hour of the day (for the summary and the tests). */
export function hourlyCounts(arrivals: Arrivals): number[] {
  const hours = new Array<number>(24).fill(0);
  for (const at of arrivals.offsetMs) hours[Math.min(23, Math.floor(at / (60 * MINUTE_MS)))]! += 1;
  return hours;
}
