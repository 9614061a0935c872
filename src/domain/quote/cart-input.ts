// A cart as it arrives from outside (a JSON file, an HTTP body): times as ISO text, red envelope
// balances in yuan. Turned into the engine's Cart or a list of errors with paths (PRICING.md,
// "A cart (JSON) and its quote"). Quantities and references are checked by validateCart, which
// answers with stable codes.
import { z } from 'zod';
import { limits } from '../limits.ts';
import { yuanToFen } from '../money.ts';
import { parseInstant } from '../zoned-time.ts';
import type { Cart, WalletItem } from './types.ts';

const id = z.string().min(1).max(64);

const walletEntry = z.union([
  id,
  z.strictObject({ id, couponId: id, balance: z.union([z.number(), z.string()]).optional() }),
]);

export const cartInputSchema = z.strictObject({
  buyer: z.strictObject({ id, memberships: z.array(id).max(10).default([]) }),
  at: z.string().min(1),
  lines: z.array(z.strictObject({ sku: id, qty: z.number() })).max(limits.cartLinesMax * 10),
  wallet: z
    .array(walletEntry)
    .max(limits.walletItemsMax * 10)
    .default([]),
});

export type CartInput = z.input<typeof cartInputSchema>;

export interface InputError {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || '(root)';
}

type CartResult = { ok: true; cart: Cart } | { ok: false; errors: InputError[] };

export function parseCartInput(value: unknown, timeZone: string): CartResult {
  const parsed = cartInputSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  const { at, ...input } = parsed.data;
  const atMs = parseInstant(at, timeZone);
  const errors: InputError[] = [];
  if (atMs === null) errors.push({ path: 'at', message: `not an ISO-8601 time: "${at}"` });
  return cartOf(input, atMs ?? 0, errors);
}

/** A cart input the caller has already held to this shape (the HTTP API's JSON schema is at least
 *  as strict), with the instant it prices at (checkout prices at the engine's clock). */
export type CheckedCartInput = Omit<z.output<typeof cartInputSchema>, 'at'>;

/** The cart of a checked input, not parsed twice: only red envelope balances are turned into fen. */
export function cartOfChecked(input: CheckedCartInput, atMs: number): CartResult {
  return cartOf(input, atMs, []);
}

function cartOf(input: CheckedCartInput, atMs: number, errors: InputError[]): CartResult {
  const wallet: WalletItem[] = input.wallet.map((entry, i) => {
    if (typeof entry === 'string') return { id: entry, couponId: entry };
    if (entry.balance === undefined) return { id: entry.id, couponId: entry.couponId };
    const balanceFen = yuanToFen(entry.balance);
    if (balanceFen === null)
      errors.push({ path: `wallet[${i}].balance`, message: 'money must be yuan with at most two decimals' });
    return { id: entry.id, couponId: entry.couponId, balanceFen: balanceFen ?? 0 };
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, cart: { buyer: input.buyer, atMs, lines: input.lines, wallet } };
}
