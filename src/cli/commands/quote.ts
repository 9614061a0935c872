// dacu quote --campaign FILE --cart FILE [--json]: prices a cart exactly as checkout will. The cart
// is the same JSON as POST /api/quote's body (PRICING.md): a missing buyer is a guest, a missing
// `at` is now.
import { indexCampaign } from '../../domain/campaign-index.ts';
import { fenToYuan } from '../../domain/money.ts';
import { parseCartInput } from '../../domain/quote/cart-input.ts';
import { quoteCart } from '../../domain/quote/quote.ts';
import type { Quote } from '../../domain/quote/types.ts';
import { formatInstant } from '../../domain/zoned-time.ts';
import { unknownMembership, withQuoteDefaults } from '../../services/cart-request.ts';
import { CliError } from '../cli-error.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import { readJsonFile } from '../read-json-file.ts';
import { renderTable } from '../table.ts';

export interface QuoteOptions {
  campaign: string;
  cart: string;
  json?: boolean;
}

export async function quoteCommand(options: QuoteOptions): Promise<string> {
  const campaign = await loadCampaignForCli(options.campaign);
  const input = parseCartInput(
    withDefaults(await readJsonFile(options.cart), campaign.timezone),
    campaign.timezone,
  );
  if (!input.ok)
    throw new CliError(input.errors.map((e) => `${options.cart}: ${e.path}: ${e.message}`).join('\n'));
  const refused = (e: { path: string; message: string; code: string }) =>
    new CliError(`${options.cart}: ${e.path}: ${e.message} (${e.code})`);
  const index = indexCampaign(campaign);
  const unknown = unknownMembership(index, input.cart);
  if (unknown) throw refused(unknown);
  const result = quoteCart(index, input.cart);
  if (!result.ok) throw refused(result.error);
  const quote = { ...result.quote, at: formatInstant(result.quote.at, campaign.timezone) };
  return options.json ? JSON.stringify(quote, null, 2) : renderQuote(result.quote, quote.at);
}

/** A cart that is an object gets POST /api/quote's defaults; anything else is left for the parse to refuse. */
function withDefaults(cart: unknown, timeZone: string): unknown {
  if (typeof cart !== 'object' || cart === null || Array.isArray(cart)) return cart;
  return withQuoteDefaults(cart as { buyer?: unknown; at?: unknown }, Date.now(), timeZone);
}

const yuan = (fen: number) => `¥${fenToYuan(fen)}`;

function renderQuote(quote: Quote, at: string): string {
  const out: string[] = [`报价 Quote — 买家 buyer ${quote.buyerId} @ ${at}`];
  for (const store of quote.stores) {
    out.push('', `门店 Store ${store.storeName} (${store.storeId}) — 应付 payable ${yuan(store.payable)}`);
    const rows = store.lines.map((l) => [
      l.sku,
      l.title,
      l.qty,
      yuan(l.listPrice),
      yuan(l.unitPrice),
      l.offer?.id ?? '',
      l.discounts.map((d) => `${d.id} −${fenToYuan(d.amount)}`).join('\n'),
      yuan(l.payable),
    ]);
    const head = [
      'SKU',
      '商品 Title',
      '数量 Qty',
      '原价 List',
      '活动价 Activity',
      '单品优惠 Offer',
      '分摊优惠 Discounts',
      '应付 Payable',
    ];
    out.push(renderTable(head, rows, ['left', 'left', 'right', 'right', 'right', 'left', 'left', 'right']));
  }
  out.push(
    '',
    renderTable(
      ['已用优惠 Applied', '类型 Kind', '金额 Amount'],
      quote.applied.map((a) => [a.id, a.kind, yuan(a.amount)]),
      ['left', 'left', 'right'],
    ),
  );
  out.push(
    `原价合计 List total ${yuan(quote.listTotal)}   共优惠 Savings ${yuan(quote.savings)}   应付 Payable ${yuan(quote.payable)}`,
  );
  if (quote.dueLater > 0)
    out.push(`现付 Due now ${yuan(quote.dueNow)}   尾款 Balance later ${yuan(quote.dueLater)}`);
  for (const gift of quote.gifts) out.push(`赠品 Gift: ${gift.sku} × ${gift.qty} (${gift.promotionId})`);
  for (const hint of quote.hints) {
    out.push(
      `凑单 Top up: 再买 ${yuan(hint.needed)} 可省 ${yuan(hint.saves)} — spend ${yuan(hint.needed)} more to save ${yuan(hint.saves)} (${hint.id})`,
    );
  }
  for (const w of quote.walletUnused) out.push(`未用 Unused: ${w.id} (${w.reason})`);
  return out.join('\n');
}
