import { describe, expect, it } from 'vitest';
import { formatInstant, isValidTimeZone, parseInstant } from './zoned-time.ts';

const SHANGHAI = 'Asia/Shanghai';
// 2026-11-11 20:00 Beijing time = 12:00 UTC.
const ELEVEN_ELEVEN_8PM = Date.UTC(2026, 10, 11, 12, 0, 0);

describe('parseInstant', () => {
  it.each([
    '2026-11-11T20:00',
    '2026-11-11T20:00:00',
    '2026-11-11T20:00:00.000',
    '2026-11-11 20:00',
    '2026-11-11 20:00:00',
    '  2026-11-11T20:00  ',
  ])('reads %j as Beijing wall-clock time', (text) => {
    expect(parseInstant(text, SHANGHAI)).toBe(ELEVEN_ELEVEN_8PM);
  });

  it.each([
    ['2026-11-11T12:00:00Z', ELEVEN_ELEVEN_8PM],
    ['2026-11-11T20:00:00+08:00', ELEVEN_ELEVEN_8PM],
    ['2026-11-11T20:00+0800', ELEVEN_ELEVEN_8PM],
    ['2026-11-11T20:00+08', ELEVEN_ELEVEN_8PM],
    ['2026-11-11T07:00:00-05:00', ELEVEN_ELEVEN_8PM],
    ['2026-11-11T05:30:00-06:30', ELEVEN_ELEVEN_8PM],
  ])('an explicit offset wins over the zone: %j', (text, expected) => {
    expect(parseInstant(text, 'America/New_York')).toBe(expected);
  });

  it('reads a date alone as midnight in the zone', () => {
    expect(parseInstant('2026-11-11', SHANGHAI)).toBe(Date.UTC(2026, 10, 10, 16, 0, 0));
    expect(parseInstant('2026-11-11', 'UTC')).toBe(Date.UTC(2026, 10, 11));
  });

  it('keeps milliseconds and drops finer fractions', () => {
    expect(parseInstant('2026-11-11T20:00:00.5', SHANGHAI)).toBe(ELEVEN_ELEVEN_8PM + 500);
    expect(parseInstant('2026-11-11T20:00:00.123456789', SHANGHAI)).toBe(ELEVEN_ELEVEN_8PM + 123);
  });

  it('follows daylight saving time in a DST zone', () => {
    // New York: EST (-05:00) in January, EDT (-04:00) in July.
    expect(parseInstant('2026-01-15T09:00', 'America/New_York')).toBe(Date.UTC(2026, 0, 15, 14));
    expect(parseInstant('2026-07-15T09:00', 'America/New_York')).toBe(Date.UTC(2026, 6, 15, 13));
    // The day the clocks spring forward (2026-03-08, 02:00 -> 03:00): either side of the jump.
    expect(parseInstant('2026-03-08T01:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 6, 30));
    expect(parseInstant('2026-03-08T03:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    // Southern hemisphere: Sydney is +11:00 in November.
    expect(parseInstant('2026-11-11T20:00', 'Australia/Sydney')).toBe(Date.UTC(2026, 10, 11, 9));
  });

  it('refuses a wall-clock time skipped by spring forward', () => {
    expect(parseInstant('2026-03-08T02:30', 'America/New_York')).toBeNull();
  });

  it('takes the earlier of a time that happens twice (clocks turned back)', () => {
    // 2026-11-01 01:30 happens at -04:00 and again at -05:00.
    expect(parseInstant('2026-11-01T01:30', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it.each([
    '',
    '2026-11-11T20',
    '2026-11-11T24:00',
    '2026-11-11T20:60',
    '2026-11-11T20:00:60',
    '2026-13-01',
    '2026-02-29',
    '2026-04-31',
    '26-11-11',
    '2026/11/11 20:00',
    '2026-11-11T20:00+25:00',
    '2026-11-11Z',
    'tomorrow',
    '0000-01-01',
  ])('rejects %j', (text) => {
    expect(parseInstant(text, SHANGHAI)).toBeNull();
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseInstant('2028-02-29T00:00Z', SHANGHAI)).toBe(Date.UTC(2028, 1, 29));
  });

  it('rejects a wall-clock time in an unknown zone, but not one with an offset', () => {
    expect(parseInstant('2026-11-11T20:00', 'Mars/Olympus')).toBeNull();
    expect(parseInstant('2026-11-11T20:00+08:00', 'Mars/Olympus')).toBe(ELEVEN_ELEVEN_8PM);
  });
});

describe('formatInstant', () => {
  it('writes the wall-clock time with its offset', () => {
    expect(formatInstant(ELEVEN_ELEVEN_8PM, SHANGHAI)).toBe('2026-11-11T20:00:00+08:00');
    expect(formatInstant(ELEVEN_ELEVEN_8PM, 'UTC')).toBe('2026-11-11T12:00:00+00:00');
    expect(formatInstant(ELEVEN_ELEVEN_8PM, 'America/New_York')).toBe('2026-11-11T07:00:00-05:00');
    expect(formatInstant(Date.UTC(2026, 6, 1, 12), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
    expect(formatInstant(ELEVEN_ELEVEN_8PM, 'Asia/Kolkata')).toBe('2026-11-11T17:30:00+05:30');
  });

  it('shows milliseconds only when there are some', () => {
    expect(formatInstant(ELEVEN_ELEVEN_8PM + 7, SHANGHAI)).toBe('2026-11-11T20:00:00.007+08:00');
  });

  it('round-trips through parseInstant', () => {
    for (const zone of [SHANGHAI, 'UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu']) {
      for (let hour = 0; hour < 24 * 400; hour += 37) {
        const ms = Date.UTC(2026, 0, 1) + hour * 3_600_000 + 15 * 60_000;
        expect(parseInstant(formatInstant(ms, zone), 'UTC')).toBe(ms);
      }
    }
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Asia/Shanghai', true],
    ['UTC', true],
    ['America/New_York', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+08:00', false],
  ])('%j -> %j', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('offsets near a change of offset (the per-hour cache)', () => {
  // Intl's own name for the offset, "GMT+05:45", as formatInstant writes it, "+05:45".
  const intlOffset = (ms: number, timeZone: string): string => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(ms)
      .find((p) => p.type === 'timeZoneName')!.value;
    return name === 'GMT' ? '+00:00' : name.slice(3);
  };

  it.each([
    // New York springs forward at 07:00 UTC and falls back at 06:00 UTC.
    ['America/New_York', Date.UTC(2026, 2, 8, 6)],
    ['America/New_York', Date.UTC(2026, 10, 1, 5)],
    // Lord Howe Island moves by half an hour; Kathmandu left +05:30 for +05:45 in 1986.
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14)],
    ['Asia/Kathmandu', Date.UTC(1985, 11, 31, 18)],
    // Shanghai kept daylight saving time from 1986 to 1991.
    ['Asia/Shanghai', Date.UTC(1986, 4, 3, 17)],
  ])('%s: every minute across the change has the offset Intl gives it', (zone, from) => {
    for (let ms = from - 2 * 3_600_000; ms <= from + 2 * 3_600_000; ms += 60_000) {
      for (const at of [ms, ms + 59_999]) {
        expect(formatInstant(at, zone).slice(-6), new Date(at).toISOString()).toBe(intlOffset(at, zone));
      }
    }
  });
});
