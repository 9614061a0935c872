// How values are quoted back to whoever wrote the file: in yuan and in the file's own terms.
import { type Fen, fenToYuan } from '../money.ts';

/** 30000 -> "300", 1250 -> "12.50": yuan as the file writes them. */
export function yuanText(fen: Fen): string {
  return fen % 100 === 0 ? String(fen / 100) : fenToYuan(fen);
}

const quotedMax = 60;

/** A short description of a value found in the file, for "expected X, got Y". */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'an invalid date' : `the date ${value.toISOString()}`;
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(value);
      return quoted.length > quotedMax ? `${quoted.slice(0, quotedMax)}…"` : quoted;
    }
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** "a, b or c" */
export function oneOf(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}
