// The value types of the campaign file (campaign-file.md): ids, yuan, counts, percents, times.
// Each field reads what YAML gives and returns the engine's form (fen, instants) or says exactly
// what is wrong, so a bad value is reported at its own path.
import { z } from 'zod';
import type { Instant } from '../campaign.ts';
import { limits } from '../limits.ts';
import { type Fen, yuanToFen } from '../money.ts';
import { isValidTimeZone, parseInstant } from '../zoned-time.ts';
import { didYouMean } from './suggest.ts';
import { describeValue, yuanText } from './wording.ts';

/** What a field reader returns instead of a value: the message for the file's author. */
export class Invalid {
  constructor(readonly message: string) {}
}

/**
 * A field read by a plain function. A missing key is "required"; wrap with `.optional()` or
 * `.default(x)` when the doc gives it a default.
 */
export function field<T>(read: (value: unknown) => T | Invalid) {
  return z.unknown().transform((value, ctx): T => {
    const result = value === undefined ? new Invalid('is required') : read(value);
    if (result instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    }
    return result;
  });
}

/**
 * A mapping whose keys are exactly `shape`'s: an unknown key (a typo such as `lisPrice`) is an
 * error, never silently dropped. One message per unknown key, one per line, in `keys` order;
 * zod-issues.ts splits them back onto each key's own path.
 */
export function fields<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => unknownKeyMessage(key, known)).join('\n')
        : undefined,
  });
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return hint === '' ? `unknown key; allowed here: ${known.join(', ')}` : `unknown key${hint}`;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const idLengthMax = 64;

/** Ids of SKUs, stores, memberships, promotions, coupons and phases (campaign-file.md). */
export const idField = field((value): string | Invalid => {
  if (typeof value === 'number') return new Invalid(`write ids as text: quote it ("${value}")`);
  if (typeof value !== 'string') return new Invalid(`expected an id, got ${describeValue(value)}`);
  if (value.length > idLengthMax) return new Invalid(`an id has at most ${idLengthMax} characters`);
  if (!ID_PATTERN.test(value)) {
    return new Invalid(
      `${describeValue(value)} is not a valid id: letters, digits and . _ : - only, starting with a letter or digit`,
    );
  }
  return value;
});

/** Names, titles and categories: any non-empty text. */
export const textField = field((value): string | Invalid => {
  if (typeof value === 'number') return new Invalid(`expected text: quote it ("${value}")`);
  if (typeof value !== 'string') return new Invalid(`expected text, got ${describeValue(value)}`);
  if (value.trim() === '') return new Invalid('must not be empty');
  return value;
});

interface MoneyRules {
  /** Zero is not allowed (an amount off, a threshold step). */
  positive?: boolean;
  /** Largest amount; prices and amounts default to limits.moneyFenMax. */
  maxFen?: Fen;
}

/** Yuan in the file (a number with at most two decimals or a string "12.50") -> integer fen. */
export function moneyField(rules: MoneyRules = {}) {
  const maxFen = rules.maxFen ?? limits.moneyFenMax;
  return field((value): Fen | Invalid => {
    if (typeof value !== 'number' && typeof value !== 'string') return notAmount(value);
    const text = typeof value === 'number' ? String(value) : value.trim();
    if (text.startsWith('-')) return new Invalid(`must not be negative, got ${text}`);
    if (typeof value === 'number' && value > maxFen / 100) return aboveLimit(maxFen, text);
    if (/^\d+\.\d{3,}$/.test(text)) return new Invalid(`at most two decimals (whole fen), got ${text}`);
    const fen = yuanToFen(value);
    if (fen === null) return notAmount(value);
    if (fen > maxFen) return aboveLimit(maxFen, text);
    if (rules.positive === true && fen === 0) return new Invalid('must be above 0');
    return fen;
  });
}

function notAmount(value: unknown): Invalid {
  return new Invalid(`expected an amount in yuan such as 12.50, got ${describeValue(value)}`);
}

function aboveLimit(maxFen: Fen, text: string): Invalid {
  return new Invalid(`above the limit of ${yuanText(maxFen)} yuan, got ${text}`);
}

/** A whole number of units, orders or tasks, at least `min`. */
export function countField(min: number) {
  return field((value): number | Invalid => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return new Invalid(`expected a whole number, got ${describeValue(value)}`);
    }
    if (value < min) return new Invalid(`must be at least ${min}, got ${value}`);
    return value;
  });
}

/**
 * A percent with at most two decimals (money.ts percentOf works in basis points).
 * `open`: 0 < p < 100 (a discount); `share`: 0 ≤ p ≤ 100 (a share of GMV).
 */
export function percentField(range: 'open' | 'share') {
  return field((value): number | Invalid => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return new Invalid(`expected a percent such as 30, got ${describeValue(value)}`);
    }
    if (!/^-?\d+(\.\d{1,2})?$/.test(String(value))) {
      return new Invalid(`a percent has at most two decimals, got ${value}`);
    }
    if (range === 'open' && !(value > 0 && value < 100)) {
      return new Invalid(`must be above 0 and below 100, got ${value}`);
    }
    if (range === 'share' && !(value >= 0 && value <= 100)) {
      return new Invalid(`must be between 0 and 100, got ${value}`);
    }
    return value;
  });
}

/**
 * An ISO-8601 time -> instant; without an offset it is read in the campaign's zone. The loader
 * parses YAML with the core schema, which keeps timestamps as text; a Date (from a YAML 1.1
 * parser) is already an instant and is taken as it is.
 */
export function instantField(timeZone: string) {
  return field((value): Instant | Invalid => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
    if (typeof value !== 'string') return notTime(value);
    const instant = parseInstant(value, timeZone);
    if (instant !== null) return instant;
    // Well formed but absent from the zone: the wall clock skips it (daylight saving).
    if (parseInstant(value, 'UTC') !== null) return new Invalid(`${value} does not exist in ${timeZone}`);
    return notTime(value);
  });
}

function notTime(value: unknown): Invalid {
  return new Invalid(
    `expected a time such as 2026-11-11T20:00 or 2026-11-11T20:00+08:00, got ${describeValue(value)}`,
  );
}

/** An IANA zone name such as Asia/Shanghai. */
export const timeZoneField = field((value): string | Invalid => {
  if (typeof value !== 'string' || !isValidTimeZone(value)) {
    return new Invalid(`expected a time zone such as Asia/Shanghai, got ${describeValue(value)}`);
  }
  return value;
});

interface ListRules {
  min: number;
  max: number;
  /** Says what the list needs, e.g. "a bundle has 2 to 10 distinct SKUs". */
  sizeMessage: string;
}

/**
 * A list of names (ids by default; categories with textField). A name listed twice is a
 * copy-paste slip, reported on the second occurrence.
 */
export function nameListField(rules: ListRules, item: z.ZodType<string> = idField) {
  return z
    .array(item)
    .min(rules.min, rules.sizeMessage)
    .max(rules.max, rules.sizeMessage)
    .superRefine((names, ctx) => {
      const seen = new Set<string>();
      names.forEach((name, index) => {
        if (typeof name === 'string' && seen.has(name)) {
          ctx.addIssue({ code: 'custom', message: `"${name}" is listed twice`, path: [index] });
        }
        seen.add(name);
      });
    });
}

export const ROLES = ['hero', 'featured', 'regular'] as const;
export const roleField = z.enum(ROLES);
