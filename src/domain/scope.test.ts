import { describe, expect, it } from 'vitest';
import { item, scope } from './__fixtures__/campaign-builder.ts';
import type { Scope } from './campaign.ts';
import { inScope, WHOLE_SCOPE } from './scope.ts';

const tv = item('tv', 's1', 399900, { category: 'appliances' });
const lip = item('lip', 's2', 19900, { category: 'beauty' });

describe('inScope', () => {
  it.each<[string, Scope, boolean, boolean]>([
    ['whole scope', WHOLE_SCOPE, true, true],
    ['store s1', scope({ stores: new Set(['s1']) }), true, false],
    ['sku lip', scope({ skus: new Set(['lip']) }), false, true],
    ['category appliances', scope({ categories: new Set(['appliances']) }), true, false],
    ['empty store set matches nothing', scope({ stores: new Set() }), false, false],
    ['excludes tv', scope({ excludeSkus: new Set(['tv']) }), false, true],
    [
      'store s1 and category beauty (all sets must match)',
      scope({ stores: new Set(['s1']), categories: new Set(['beauty']) }),
      false,
      false,
    ],
    ['store s1 and sku tv', scope({ stores: new Set(['s1']), skus: new Set(['tv']) }), true, false],
    [
      'excludeSkus wins over skus',
      scope({ skus: new Set(['tv', 'lip']), excludeSkus: new Set(['tv']) }),
      false,
      true,
    ],
    [
      'excludeSkus wins over stores',
      scope({ stores: new Set(['s1', 's2']), excludeSkus: new Set(['lip']) }),
      true,
      false,
    ],
  ])('%s: tv %s, lip %s', (_label, s, tvIn, lipIn) => {
    expect(inScope(s, tv)).toBe(tvIn);
    expect(inScope(s, lip)).toBe(lipIn);
  });
});
