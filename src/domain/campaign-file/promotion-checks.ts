// Rules of each promotion kind that span fields or other sections (campaign-file.md,
// "Promotions", rules column). Paths use the file's keys, since that is what the author edits.
import type {
  BundlePromotion,
  CatalogItem,
  LadderPromotion,
  PresalePromotion,
  Promotion,
  ThresholdRule,
} from '../campaign.ts';
import { formatInstant } from '../zoned-time.ts';
import type { Problems } from './problems.ts';
import { checkMembership, checkScope, checkSku, checkSkuList, checkStore, type Names } from './references.ts';
import { checkWindow } from './windows.ts';
import { yuanText } from './wording.ts';

export interface CheckContext {
  names: Names;
  timeZone: string;
}

/** Checks one promotion; `problems` reports below `promotions[i]`. */
export function checkPromotion(p: Promotion, ctx: CheckContext, problems: Problems): void {
  const { names } = ctx;
  if (p.kind !== 'presale') checkWindow(p.window, ['start', 'end'], problems, ctx.timeZone);
  switch (p.kind) {
    case 'flash-sale': {
      const item = checkSku(names, p.sku, problems.at('sku'));
      if (item !== undefined && p.priceFen >= item.listPriceFen) {
        problems.add(['price'], belowListMessage(p.priceFen, item.listPriceFen, p.sku));
      }
      checkWithinStock(p.quantity, 'quantity', item, problems);
      if (p.perBuyer > p.quantity) {
        problems.add(
          ['perBuyer'],
          `perBuyer ${p.perBuyer} is more than the session's quantity ${p.quantity}: set perBuyer to at most ${p.quantity}`,
        );
      }
      return;
    }
    case 'first-n':
      checkWithinStock(p.firstN, 'firstN', checkSku(names, p.sku, problems.at('sku')), problems);
      return;
    case 'member-price':
      checkSku(names, p.sku, problems.at('sku'));
      checkMembership(names, p.membershipId, problems.at('membership'));
      return;
    case 'limited-time':
      checkSkuList(names, p.skus, problems.at('skus'));
      return;
    case 'ladder':
      checkLadder(p, names, problems);
      return;
    case 'bundle':
      checkBundle(p, names, problems);
      return;
    case 'store-threshold':
      checkStore(names, p.storeId, problems.at('store'));
      checkThresholdRule(p.rule, problems);
      checkScope(names, p.scope, problems, p.storeId);
      return;
    case 'cross-store':
      checkThresholdRule(p.rule, problems);
      checkScope(names, p.scope, problems);
      return;
    case 'presale':
      checkPresale(p, ctx, problems);
      return;
    case 'gift':
      checkSkuList(names, p.triggerSkus, problems.at('triggerSkus'));
      checkSku(names, p.giftSku, problems.at('giftSku'));
      // Gift stock is giftQuantity itself, not the gift SKU's stock (campaign-file.md, gift).
      if (p.perOrder > p.giftQuantity) {
        problems.add(
          ['perOrder'],
          `perOrder ${p.perOrder} is more than giftQuantity ${p.giftQuantity}: set perOrder to at most ${p.giftQuantity}`,
        );
      }
      p.membershipIds.forEach((id, i) => {
        checkMembership(names, id, problems.at('memberships', i));
      });
      return;
  }
}

/**
 * Flash and first-N units are spot goods: they are reserved from the SKU's `stock`, never from its
 * pre-sale pool (stock-pools.ts), so more units than `stock` could never be sold at the price.
 */
function checkWithinStock(
  units: number,
  key: 'quantity' | 'firstN',
  item: CatalogItem | undefined,
  problems: Problems,
): void {
  if (item === undefined || units <= item.stock) return;
  problems.add(
    [key],
    `${key} ${units} is more than the stock of ${item.sku} (${item.stock}): set it to at most ${item.stock}`,
  );
}

function belowListMessage(priceFen: number, listFen: number, sku: string): string {
  return `price ${yuanText(priceFen)} is not below the list price ${yuanText(listFen)} of ${sku}`;
}

/** minQty strictly rising; unitPrice strictly falling and below list (campaign-file.md, ladder). */
function checkLadder(p: LadderPromotion, names: Names, problems: Problems): void {
  const item = checkSku(names, p.sku, problems.at('sku'));
  p.tiers.forEach((tier, i) => {
    const previous = p.tiers[i - 1];
    if (previous !== undefined && tier.minQty <= previous.minQty) {
      problems.add(['tiers', i, 'minQty'], `tiers must rise: ${tier.minQty} is not above ${previous.minQty}`);
    }
    if (previous !== undefined && tier.unitPriceFen >= previous.unitPriceFen) {
      problems.add(
        ['tiers', i, 'unitPrice'],
        `unit prices must fall: ${yuanText(tier.unitPriceFen)} is not below ${yuanText(previous.unitPriceFen)}`,
      );
    }
    if (item !== undefined && tier.unitPriceFen >= item.listPriceFen) {
      problems.add(['tiers', i, 'unitPrice'], belowListMessage(tier.unitPriceFen, item.listPriceFen, p.sku));
    }
  });
}

/** All SKUs in one store; price below the sum of their list prices (campaign-file.md, bundle). */
function checkBundle(p: BundlePromotion, names: Names, problems: Problems): void {
  const items = p.skus.map((sku, i) => checkSku(names, sku, problems.at('skus', i)));
  const first = items.find((item) => item !== undefined);
  items.forEach((item, i) => {
    if (item === undefined || first === undefined || item.storeId === first.storeId) return;
    problems.add(
      ['skus', i],
      `"${item.sku}" is in store ${item.storeId} but "${first.sku}" is in store ${first.storeId}: a bundle is sold by one store`,
    );
  });
  if (items.every((item) => item !== undefined)) {
    const listSumFen = items.reduce((sum, item) => sum + item!.listPriceFen, 0);
    if (p.priceFen >= listSumFen) {
      problems.add(
        ['price'],
        `price ${yuanText(p.priceFen)} is not below the list prices' sum ${yuanText(listSumFen)}`,
      );
    }
  }
}

/** Tiers: spend and save strictly rising, save < spend. Every: save < every. */
function checkThresholdRule(rule: ThresholdRule, problems: Problems): void {
  if (rule.type === 'every') {
    if (rule.saveFen >= rule.everyFen) {
      problems.add(['save'], `must be below every ${yuanText(rule.everyFen)}, got ${yuanText(rule.saveFen)}`);
    }
    return;
  }
  rule.tiers.forEach((tier, i) => {
    const previous = rule.tiers[i - 1];
    if (previous !== undefined && tier.spendFen <= previous.spendFen) {
      problems.add(
        ['tiers', i, 'spend'],
        `tiers must rise: ${yuanText(tier.spendFen)} is not above ${yuanText(previous.spendFen)}`,
      );
    }
    if (tier.saveFen >= tier.spendFen) {
      problems.add(
        ['tiers', i, 'save'],
        `must be below spend ${yuanText(tier.spendFen)}, got ${yuanText(tier.saveFen)}`,
      );
    } else if (previous !== undefined && tier.saveFen <= previous.saveFen) {
      problems.add(
        ['tiers', i, 'save'],
        `savings must rise: ${yuanText(tier.saveFen)} is not above ${yuanText(previous.saveFen)}`,
      );
    }
  });
}

/** deposit ≤ depositValue ≤ price ≤ list price; depositStart < depositEnd ≤ balanceStart < balanceEnd. */
function checkPresale(p: PresalePromotion, ctx: CheckContext, problems: Problems): void {
  checkSku(ctx.names, p.sku, problems.at('sku'));
  // A pre-sale is an offer: it is what the SKU sells at while deposits are taken (its discount on
  // the list price is what the quote allocates; above the list price it would be a surcharge).
  const item = ctx.names.items.get(p.sku);
  if (item !== undefined && p.priceFen > item.listPriceFen) {
    problems.add(
      ['price'],
      `price ${yuanText(p.priceFen)} is above the list price ${yuanText(item.listPriceFen)} of ${p.sku}`,
    );
  }
  if (p.depositValueFen < p.depositFen) {
    problems.add(['depositValue'], `must be at least the deposit ${yuanText(p.depositFen)}`);
  } else if (p.depositValueFen > p.priceFen) {
    problems.add(
      [p.depositValueFen === p.depositFen ? 'deposit' : 'depositValue'],
      `${yuanText(p.depositValueFen)} is above the price ${yuanText(p.priceFen)}`,
    );
  }
  checkWindow(p.window, ['depositStart', 'depositEnd'], problems, ctx.timeZone);
  checkWindow(p.balanceWindow, ['balanceStart', 'balanceEnd'], problems, ctx.timeZone);
  const depositEnd = p.window.endMs!;
  const balanceStart = p.balanceWindow.startMs!;
  if (balanceStart < depositEnd) {
    const at = (ms: number) => formatInstant(ms, ctx.timeZone);
    problems.add(['balanceStart'], `${at(balanceStart)} is before depositEnd ${at(depositEnd)}`);
  }
}
