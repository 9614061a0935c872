// The checked sections put together as the engine's Campaign. Runs only when no problem was found,
// so every item is present (campaign-file.md: a file is never half-loaded).
import { strict as assert } from 'node:assert';
import type { Campaign } from '../campaign.ts';
import type { Listed, Sections } from './read-document.ts';

export function assembleCampaign(sections: Sections): Campaign {
  const { header } = sections;
  assert(header !== null, 'assembleCampaign runs on a file without problems');
  const target = header.target;
  return {
    id: header.id,
    name: header.name,
    timezone: sections.timeZone,
    memberships: all(sections.memberships),
    stores: all(sections.stores),
    catalog: all(sections.catalog),
    promotions: all(sections.promotions),
    coupons: all(sections.coupons),
    phases: all(sections.phases),
    targets: {
      gmvFen: target?.gmv ?? null,
      orders: target?.orders ?? null,
      categorySharePercent: { ...(target?.categoryShare ?? {}) },
    },
  };
}

function all<T>(listed: Listed<T>): T[] {
  return listed.items.map((item) => {
    assert(item !== null, 'assembleCampaign runs on a file without problems');
    return item;
  });
}
