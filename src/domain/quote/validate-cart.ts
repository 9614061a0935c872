// Business-level checks of a cart before it is priced. Each failure is a result with a stable code
// and the path inside the cart, never an exception.
import type { CampaignIndex } from '../campaign-index.ts';
import { limits } from '../limits.ts';
import type { Cart, QuoteError } from './types.ts';

export function validateCart(index: CampaignIndex, cart: Cart): QuoteError | null {
  if (cart.lines.length === 0) return { code: 'EMPTY_CART', message: 'the cart has no lines', path: 'lines' };
  if (cart.lines.length > limits.cartLinesMax) {
    return {
      code: 'TOO_MANY_LINES',
      message: `at most ${limits.cartLinesMax} lines per cart`,
      path: 'lines',
    };
  }
  const seen = new Set<string>();
  for (const [i, line] of cart.lines.entries()) {
    if (!Number.isSafeInteger(line.qty) || line.qty < 1 || line.qty > limits.lineQtyMax) {
      const message = `qty must be a whole number from 1 to ${limits.lineQtyMax}, got ${line.qty}`;
      return { code: 'INVALID_QUANTITY', message, path: `lines[${i}].qty` };
    }
    if (!index.items.has(line.sku)) {
      return { code: 'UNKNOWN_SKU', message: `unknown sku "${line.sku}"`, path: `lines[${i}].sku` };
    }
    if (seen.has(line.sku)) {
      const message = `sku "${line.sku}" appears on two lines; put the quantity on one`;
      return { code: 'DUPLICATE_SKU', message, path: `lines[${i}].sku` };
    }
    seen.add(line.sku);
  }
  return validateWallet(index, cart);
}

function validateWallet(index: CampaignIndex, cart: Cart): QuoteError | null {
  if (cart.wallet.length > limits.walletItemsMax) {
    const message = `at most ${limits.walletItemsMax} coupons and red envelopes per checkout`;
    return { code: 'WALLET_TOO_LARGE', message, path: 'wallet' };
  }
  const seen = new Set<string>();
  for (const [i, item] of cart.wallet.entries()) {
    if (!index.coupons.has(item.couponId)) {
      return { code: 'UNKNOWN_COUPON', message: `unknown coupon "${item.couponId}"`, path: `wallet[${i}]` };
    }
    if (seen.has(item.id)) {
      return {
        code: 'DUPLICATE_WALLET_ITEM',
        message: `wallet item "${item.id}" given twice`,
        path: `wallet[${i}]`,
      };
    }
    seen.add(item.id);
  }
  return null;
}
