// A promotion's or coupon's own fields (tiers, thresholds, scope…) as one short line, for the
// campaign page. Amounts are fen; a field is money when its name says so.
import { formatYuan } from './money.ts';

const MONEY_FIELD = /(price|amount|threshold|spend|save|every|deposit|budget|cost|balance|pertask)(fen)?$/i;
const SHOWN_ELSEWHERE = new Set(['id', 'kind', 'name', 'start', 'end', 'validFrom', 'validTo', 'window', 'title']);

function describeValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return MONEY_FIELD.test(key) ? formatYuan(value) : String(value);
  if (Array.isArray(value)) return value.map((v) => describeValue(key, v)).join(', ');
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${k} ${describeValue(k, v)}`);
    return `(${parts.join(' · ')})`;
  }
  return String(value);
}

export function describeOffer(offer: Record<string, unknown>): string {
  return Object.entries(offer)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== null && value !== undefined)
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}: ${describeValue(key, value)}`)
    .join('; ');
}
