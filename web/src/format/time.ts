// Times on screen, always in the campaign's own zone (a Shanghai sale reads the same in Berlin).
import type { Lang } from '../i18n/dict.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
      timeZone,
      hour12: false,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** An instant as the API gives it (ISO text) or as the page holds it (epoch ms); null = open. */
export type When = string | number | null | undefined;

/** Where `nowMs` stands against a window whose ends may be open. */
export function windowStatus(start: When, end: When, nowMs: number): 'upcoming' | 'running' | 'ended' {
  const startMs = toMs(start);
  const endMs = toMs(end);
  if (startMs !== null && nowMs < startMs) return 'upcoming';
  if (endMs !== null && nowMs >= endMs) return 'ended';
  return 'running';
}

/** An ISO string or epoch milliseconds → milliseconds, or null. */
export function toMs(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function formatClock(value: string | number | null | undefined, timeZone: string, lang: Lang): string {
  const ms = toMs(value);
  return ms === null ? '—' : formatter(lang, timeZone, false).format(ms);
}

export function formatDateTime(
  value: string | number | null | undefined,
  timeZone: string,
  lang: Lang,
): string {
  const ms = toMs(value);
  return ms === null ? '—' : formatter(lang, timeZone, true).format(ms);
}

/** "11/11 00:00:00 – 11/12 00:00:00", or `always` for a window open at both ends. */
export function formatWindow(start: When, end: When, timeZone: string, lang: Lang, always: string): string {
  if (toMs(start) === null && toMs(end) === null) return always;
  return `${formatDateTime(start, timeZone, lang)} – ${formatDateTime(end, timeZone, lang)}`;
}

/** "2026-11-11T20:05" in the given zone, for a datetime-local input. */
export function toLocalInput(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** Whole minutes and seconds from `fromMs` to `toMs` ("04:59"); negative means overdue. */
export function formatCountdown(fromMs: number, untilMs: number): string {
  const totalS = Math.round((untilMs - fromMs) / 1000);
  const sign = totalS < 0 ? '-' : '';
  const abs = Math.abs(totalS);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `${sign}${h > 0 ? `${h}:` : ''}${mmss}`;
}
