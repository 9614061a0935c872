// Wall-clock times in a named time zone <-> instants (epoch ms). The campaign file writes times
// as the sale team reads them ("20:00 on the 11th", Beijing time); the engine only sees instants
// (campaign-file.md: "a time without an offset is read in the campaign's timezone").
// Offsets come from Intl.DateTimeFormat, so DST zones work without a time-zone library.
import type { Instant } from './campaign.ts';

/** An ISO-8601 date-time as written, before a zone gives it an instant. */
interface WrittenDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Explicit offset in minutes east of UTC; null = wall-clock time in the campaign zone. */
  offsetMinutes: number | null;
}

// 2026-11-11 | 2026-11-11T20:00 | 2026-11-11 20:00:00 | ...:00.000 | ...Z | ...+08:00 | +0800 | +08
const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Reads an ISO-8601 date-time. With `Z` or an offset it is that instant; without one it is the
 * wall-clock time in `timeZone` (IANA name); a date alone means midnight. Returns null when the
 * text is not such a date-time, the zone is unknown, or the wall-clock time does not exist there
 * (skipped by a daylight-saving jump). A time that happens twice (clocks turned back) is the
 * earlier of the two, as Temporal's "compatible" disambiguation does.
 */
export function parseInstant(text: string, timeZone: string): Instant | null {
  const written = readDateTime(text.trim());
  if (written === null) return null;
  const wallMs = wallClockAsUtc(written);
  if (written.offsetMinutes !== null) return wallMs - written.offsetMinutes * MINUTE_MS;
  if (!isValidTimeZone(timeZone)) return null;
  return wallClockToInstant(wallMs, timeZone);
}

/**
 * Formats an instant as the wall-clock time in `timeZone` with its offset, e.g.
 * 2026-11-11T20:00:00+08:00 (milliseconds only when not zero). Throws on an unknown zone.
 */
export function formatInstant(ms: Instant, timeZone: string): string {
  const offsetMs = zoneOffsetMs(ms, timeZone);
  const wall = new Date(ms + offsetMs);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}`;
  const time = `${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}`;
  const millis = wall.getUTCMilliseconds();
  const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
  return `${date}T${time}${fraction}${formatOffset(offsetMs)}`;
}

/** True when Intl knows the zone (IANA names such as Asia/Shanghai, America/New_York, UTC). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function readDateTime(text: string): WrittenDateTime | null {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const offsetMinutes = offset === undefined ? null : readOffsetMinutes(offset);
  if (offsetMinutes === undefined) return null;
  const written: WrittenDateTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    // Below a millisecond is dropped: instants are whole milliseconds.
    millisecond: Number((fraction ?? '').slice(0, 3).padEnd(3, '0')),
    offsetMinutes,
  };
  return isRealDateTime(written) ? written : null;
}

/** Minutes east of UTC; undefined when the offset is out of range (+25:00). */
function readOffsetMinutes(offset: string): number | undefined {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function isRealDateTime(w: WrittenDateTime): boolean {
  if (w.year < 1 || w.month < 1 || w.month > 12 || w.day < 1) return false;
  if (w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  // 2026-02-30 rolls over to March in Date arithmetic; a real date survives the round trip.
  const probe = new Date(wallClockAsUtc({ ...w, offsetMinutes: 0 }));
  return probe.getUTCMonth() + 1 === w.month && probe.getUTCDate() === w.day;
}

/** The written fields read as if they were UTC (setUTCFullYear keeps years below 100 literal). */
function wallClockAsUtc(w: WrittenDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(w.year, w.month - 1, w.day);
  date.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return date.getTime();
}

/**
 * Finds the instant whose wall clock in `timeZone` reads `wallMs`. Offsets change at most a few
 * hours within a day, so trying the offsets in force a day either side covers every case.
 */
function wallClockToInstant(wallMs: number, timeZone: string): Instant | null {
  const candidates = new Set([
    wallMs - zoneOffsetMs(wallMs - DAY_MS, timeZone),
    wallMs - zoneOffsetMs(wallMs, timeZone),
    wallMs - zoneOffsetMs(wallMs + DAY_MS, timeZone),
  ]);
  let earliest: Instant | null = null;
  for (const instant of candidates) {
    const roundTrips = instant + zoneOffsetMs(instant, timeZone) === wallMs;
    if (roundTrips && (earliest === null || instant < earliest)) earliest = instant;
  }
  return earliest;
}

// Offsets per zone and UTC hour: a zone changes its offset at most once in an hour, so when the
// offsets at an hour's first and last second agree, that is the offset of the whole hour (Intl is
// slow, and a server formats and reads instants of the same few hours all day). An hour with a
// change in it is not cached: every instant in it is worked out on its own.
const HOUR_MS = 3_600_000;
const hourOffsetsMax = 10_000;
const hourOffsets = new Map<string, number>();

/** Offset of `timeZone` from UTC at `ms`, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(ms: Instant, timeZone: string): number {
  const hourStart = Math.floor(ms / HOUR_MS) * HOUR_MS;
  const key = `${timeZone}\n${hourStart}`;
  const cached = hourOffsets.get(key);
  if (cached !== undefined) return cached;
  const first = exactZoneOffsetMs(hourStart, timeZone);
  if (first !== exactZoneOffsetMs(hourStart + HOUR_MS - 1000, timeZone))
    return exactZoneOffsetMs(ms, timeZone);
  if (hourOffsets.size >= hourOffsetsMax) hourOffsets.clear();
  hourOffsets.set(key, first);
  return first;
}

function exactZoneOffsetMs(ms: Instant, timeZone: string): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const parts = formatterFor(timeZone).formatToParts(whole);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? Number.NaN);
  const eraYear = field('year');
  const era = parts.find((part) => part.type === 'era')?.value;
  const wall = wallClockAsUtc({
    year: era === 'BC' ? 1 - eraYear : eraYear,
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
    millisecond: 0,
    offsetMinutes: 0,
  });
  return wall - whole;
}

// One formatter per zone: building one is far slower than using it. Only zones Intl accepts get
// in, but spellings differ in case (asia/shanghai), so the cache is also capped.
const formattersMax = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= formattersMax) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalMinutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${pad(Math.floor(totalMinutes / 60), 2)}:${pad(totalMinutes % 60, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
