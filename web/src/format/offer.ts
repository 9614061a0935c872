// A promotion's or coupon's own fields (tiers, thresholds, scope…) as one short line, for the
// campaign page. Amounts are fen; a field is money when its name says so.
import { formatYuan } from './money.ts';

const MONEY_FIELD =
  /(price|amount|threshold|spend|save|every|deposit|depositvalue|budget|cost|balance|pertask)(fen)?$/i;
const SHOWN_ELSEWHERE = new Set([
  'id',
  'kind',
  'name',
  'start',
  'end',
  'validFrom',
  'validTo',
  'window',
  'title',
]);
/** Tags of a union that only repeat what the other fields show (`rule.type: 'tiers'`). */
const NOISE = new Set(['type']);

/** A value as text; '' when there is nothing to say (null, [], an object of nothing). */
function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return MONEY_FIELD.test(key) ? formatYuan(value) : String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => describeValue(key, v)).filter(Boolean);
    return items.join(', ');
  }
  if (typeof value === 'object') {
    const parts = describeFields(value as Record<string, unknown>, ' ');
    return parts.length === 0 ? '' : `(${parts.join(' · ')})`;
  }
  return String(value);
}

function describeFields(fields: Record<string, unknown>, separator: string): string[] {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (NOISE.has(key)) continue;
    const text = describeValue(key, value);
    if (text !== '') parts.push(`${key}${separator}${text}`);
  }
  return parts;
}

export function describeOffer(offer: Record<string, unknown>): string {
  const own = Object.fromEntries(Object.entries(offer).filter(([key]) => !SHOWN_ELSEWHERE.has(key)));
  return describeFields(own, ': ').join('; ');
}
