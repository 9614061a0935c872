// Money is integer fen (分) everywhere inside dacu; yuan (元) exists only at the edges.
// Every rounding rule lives here, named (STYLE.md: rounding happens in one named place).
import { strict as assert } from 'node:assert';

export type Fen = number;

/** Asserts an integer fen amount (programmer error if not). */
export function assertFen(value: number, what = 'amount'): asserts value is Fen {
  assert(Number.isSafeInteger(value), `${what} must be an integer number of fen, got ${value}`);
}

/** `round_half_up(numerator / denominator)` for non-negative integers, exact (PRICING.md). */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  assert(numerator >= 0 && denominator > 0, 'divRoundHalfUp takes a non-negative numerator');
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** A percent of an amount, rounded half up to the fen. */
export function percentOf(amountFen: Fen, percent: number): Fen {
  // percent may carry up to two decimals (e.g. 12.5); scale to integers to stay exact.
  const basisPoints = Math.round(percent * 100);
  return divRoundHalfUp(amountFen * basisPoints, 10_000);
}

const YUAN_PATTERN = /^(\d+)(?:\.(\d{1,2}))?$/;

/** Parses yuan given as a number or string ("12.50") into fen; null if not a valid amount. */
export function yuanToFen(value: number | string): Fen | null {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  if (text === null) return null;
  const match = YUAN_PATTERN.exec(text);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

function numberToPlainString(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return null;
  // Shortest round-trip form: 12.5 -> "12.5", 0.1 -> "0.1", 12.345 -> "12.345" (rejected later).
  const text = String(value);
  return /e/i.test(text) ? null : text;
}

/** Formats fen as yuan with two decimals, e.g. 123456 -> "1234.56". */
export function fenToYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Splits `totalFen` over parts in proportion to `weights`, in integer fen, by largest remainder;
 * ties go to the earlier part (PRICING.md, "Where a discount lands"). Zero weights get zero
 * unless every weight is zero, in which case the split is even.
 */
export function allocateByWeight(totalFen: Fen, weights: readonly number[]): Fen[] {
  const n = weights.length;
  assert(totalFen >= 0 && Number.isSafeInteger(totalFen), 'allocate a non-negative integer');
  if (n === 0) {
    assert(totalFen === 0, 'cannot allocate money over no parts');
    return [];
  }
  let weightSum = 0;
  for (const w of weights) weightSum += w;
  const effective = weightSum > 0 ? weights : weights.map(() => 1);
  const sum = weightSum > 0 ? weightSum : n;
  const shares = new Array<number>(n);
  const remainders = new Array<number>(n);
  let given = 0;
  const exactInDoubles = totalFen * sum <= Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < n; i++) {
    if (exactInDoubles) {
      const exact = totalFen * effective[i]!;
      const share = Math.floor(exact / sum);
      shares[i] = share;
      remainders[i] = exact - share * sum;
    } else {
      // Products beyond 2^53 stay exact in BigInt; each remainder is below sum, so it fits a double.
      const exact = BigInt(totalFen) * BigInt(effective[i]!);
      const share = exact / BigInt(sum);
      shares[i] = Number(share);
      remainders[i] = Number(exact - share * BigInt(sum));
    }
    given += shares[i]!;
  }
  let left = totalFen - given;
  if (left > 0) {
    const order = [...remainders.keys()].sort((a, b) => remainders[b]! - remainders[a]! || a - b);
    for (let k = 0; left > 0; k++, left--) shares[order[k]!]! += 1;
  }
  return shares;
}

/**
 * Like allocateByWeight, but no part may receive more than its capacity; what a full part cannot
 * take is split again over the parts that still have room (same weights, same tie rule).
 * The caller guarantees `totalFen <= Σ capacities`.
 */
export function allocateCapped(totalFen: Fen, weights: readonly number[], capacities: readonly Fen[]): Fen[] {
  const n = weights.length;
  const result = new Array<number>(n).fill(0);
  let open = [...weights.keys()].filter((i) => capacities[i]! > 0);
  let left = totalFen;
  while (left > 0) {
    assert(open.length > 0, 'allocation exceeds capacity');
    const split = allocateByWeight(
      left,
      open.map((i) => weights[i]!),
    );
    let overflow = 0;
    const stillOpen: number[] = [];
    for (let k = 0; k < open.length; k++) {
      const i = open[k]!;
      const room = capacities[i]! - result[i]!;
      const take = Math.min(room, split[k]!);
      result[i]! += take;
      overflow += split[k]! - take;
      if (result[i]! < capacities[i]!) stillOpen.push(i);
    }
    left = overflow;
    open = stillOpen;
    if (left > 0 && open.every((i) => weights[i] === 0)) {
      // Remaining room only on zero-weight parts: fill them in order.
      for (const i of open) {
        const take = Math.min(left, capacities[i]! - result[i]!);
        result[i]! += take;
        left -= take;
      }
    }
  }
  return result;
}
