// Rules of each coupon kind that span fields or other sections (campaign-file.md, "Coupons").
import type { CouponTemplate } from '../campaign.ts';
import type { Problems } from './problems.ts';
import type { CheckContext } from './promotion-checks.ts';
import { checkCategory, checkScope, checkStore } from './references.ts';
import { checkWindow } from './windows.ts';
import { yuanText } from './wording.ts';

/** Checks one coupon template; `problems` reports below `coupons[i]`. */
export function checkCoupon(c: CouponTemplate, ctx: CheckContext, problems: Problems): void {
  const { names, timeZone } = ctx;
  checkWindow(c.validity, ['validFrom', 'validTo'], problems, timeZone);
  checkWindow(c.claimWindow, ['claimFrom', 'claimTo'], problems, timeZone);
  if (c.total !== null && c.perBuyer > c.total) {
    problems.add(
      ['perBuyer'],
      `perBuyer ${c.perBuyer} is more than total ${c.total} (coupons issued): set perBuyer to at most ${c.total}, or raise total`,
    );
  }
  switch (c.kind) {
    case 'store':
      checkStore(names, c.storeId, problems.at('store'));
      checkScope(names, c.scope, problems, c.storeId);
      break;
    case 'platform':
      checkScope(names, c.scope, problems);
      break;
    case 'category':
      checkCategory(names, c.category, problems.at('category'));
      checkScope(names, c.scope, problems);
      break;
    case 'red-envelope':
      if (c.inflate !== null)
        checkWindow(c.inflate.day, ['dayStart', 'dayEnd'], problems.at('inflate'), timeZone);
      return;
  }
  // A coupon worth its whole threshold would make the goods free: amount < threshold.
  if (c.thresholdFen > 0 && c.amountFen >= c.thresholdFen) {
    problems.add(
      ['amount'],
      `must be below the threshold ${yuanText(c.thresholdFen)}, got ${yuanText(c.amountFen)}`,
    );
  }
}
