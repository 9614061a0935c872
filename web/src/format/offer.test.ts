import { describe, expect, it } from 'vitest';
import { describeOffer } from './offer.ts';

describe('describeOffer: an offer’s own fields in one line', () => {
  it('shows every money field in yuan, a pre-sale’s deposit value too', () => {
    const text = describeOffer({
      id: 'p-presale',
      kind: 'presale',
      sku: 's4-crab',
      price: 35_900,
      deposit: 20_000,
      depositValue: 50_000,
      budget: null,
    });
    expect(text).toBe('sku: s4-crab; price: ¥359.00; deposit: ¥200.00; depositValue: ¥500.00');
  });
});
