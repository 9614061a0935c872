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

/** Formats fen as yuan for people: thousands grouped, two decimals, e.g. 123456789 -> "1,234,567.89". */
export function fenToYuanGrouped(fen: Fen): string {
  const [whole, cents] = fenToYuan(fen).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
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
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i]!;
  if (sum === 0) return splitEvenly(totalFen, n);
  if (totalFen * sum > Number.MAX_SAFE_INTEGER) return allocateBig(totalFen, weights, sum);
  const shares = new Array<number>(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const share = Math.floor((totalFen * weights[i]!) / sum);
    shares[i] = share;
    given += share;
  }
  let left = totalFen - given;
  if (left === 0) return shares;
  // Fewer than n fen are left: hand them out one by one to the largest remainders, earlier first.
  const remainders = new Array<number>(n);
  for (let i = 0; i < n; i++) remainders[i] = totalFen * weights[i]! - shares[i]! * sum;
  for (; left > 0; left--) shares[takeLargest(remainders)]! += 1;
  return shares;
}

/** Index of the largest remainder (the earliest on a tie), marked as taken. */
function takeLargest(remainders: number[]): number {
  let best = 0;
  for (let i = 1; i < remainders.length; i++) if (remainders[i]! > remainders[best]!) best = i;
  remainders[best] = -1;
  return best;
}

/** Equal weights: the first (total mod n) parts get one fen more. */
export function splitEvenly(totalFen: Fen, n: number): Fen[] {
  const base = Math.floor(totalFen / n);
  const extra = totalFen - base * n;
  const shares = new Array<number>(n);
  for (let i = 0; i < n; i++) shares[i] = i < extra ? base + 1 : base;
  return shares;
}

// Products beyond 2^53 stay exact in BigInt; each remainder is below sum, so it fits a double.
function allocateBig(totalFen: Fen, weights: readonly number[], sum: number): Fen[] {
  const bigSum = BigInt(sum);
  const shares: number[] = [];
  const remainders: number[] = [];
  let given = 0;
  for (const w of weights) {
    const exact = BigInt(totalFen) * BigInt(w);
    const share = exact / bigSum;
    shares.push(Number(share));
    remainders.push(Number(exact - share * bigSum));
    given += Number(share);
  }
  for (let left = totalFen - given; left > 0; left--) shares[takeLargest(remainders)]! += 1;
  return shares;
}

/**
 * Like allocateByWeight, but no part may receive more than its capacity; what a full part cannot
 * take is split again over the parts that still have room (same weights, same tie rule).
 * The caller guarantees `totalFen <= Σ capacities`.
 */
export function allocateCapped(totalFen: Fen, weights: readonly number[], capacities: readonly Fen[]): Fen[] {
  const n = weights.length;
  const direct = allocateByWeight(totalFen, weights);
  let fits = true;
  for (let i = 0; i < n && fits; i++) fits = direct[i]! <= capacities[i]!;
  if (fits) return direct;
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
