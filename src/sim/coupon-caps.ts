// 券发放上限与预算, read back (DOMAIN.md §2, docs/campaign-file.md): per coupon template, claims never
// exceed its issue cap (`total`) and no buyer holds more than `perBuyer`; and no budget, of a coupon
// or a promotion, is overspent. A discount with a budget stops applying once that much has been
// given, so what the orders still hold may pass the budget by the last discount taken, never by
// more: spent − the largest single discount < budget. And every claim answered 201 is in the
// buyer's wallet, nothing more.
//
// Counted from the wallet and order rows when simulate started the server (every buyer: the caps
// are the sale's, not the run's). With --url: the issue caps from GET /api/coupons (the server's
// own count), per buyer from the wallets of the run's buyers (GET /api/wallet); no endpoint shows
// what a budget has spent, so budgets are not checked then.
import type Database from 'better-sqlite3';
import type { Campaign } from '../domain/campaign.ts';
import type { ShopperClient } from './http-client.ts';
import { inParallel } from './in-parallel.ts';
import type { InvariantResult } from './invariants.ts';
import { EXAMPLES_MAX, type OrderBook } from './order-book.ts';

export interface CouponCap {
  id: string;
  /** Issue cap; null = unlimited. */
  total: number | null;
  perBuyer: number;
}

export interface BudgetCap {
  /** A coupon template or a promotion. */
  id: string;
  budgetFen: number;
}

export interface CouponTally extends CouponCap {
  claimed: number;
  /** The most claims of it one buyer holds. */
  buyerMax: number;
}

export interface BudgetTally extends BudgetCap {
  /** Discounts with this id in orders that hold or sold their units (pending, deposit paid, paid). */
  spentFen: number;
  /** The largest of them, in one store order. */
  takeMaxFen: number;
}

export interface CouponEvidence {
  source: 'database' | 'http';
  templates: CouponTally[];
  /** null: not readable (--url). */
  budgets: BudgetTally[] | null;
  /** Claims answered 201 to the buyers read, and their claims in the server's wallets (null: not read). */
  claimsSeen: number;
  claimsOnServer: number | null;
  /** Claims whose answer never came (the server may hold them). */
  claimsUnknown: number;
  /** With --url: wallets read, of the buyers who claimed. */
  buyersRead: number;
  buyersClaiming: number;
}

/** Wallets read back with --url, at most (a sample of the buyers who claimed beyond). */
export const WALLETS_READ_MAX = 2_000;
const READ_CONCURRENCY = 64;

export function budgetCapsOf(campaign: Campaign): BudgetCap[] {
  return [...campaign.coupons, ...campaign.promotions].flatMap((o) =>
    o.budgetFen === null ? [] : [{ id: o.id, budgetFen: o.budgetFen }],
  );
}

/** Every claim and every budgeted discount in the database, at a settled moment. */
export function tallyCoupons(
  sqlite: Database.Database,
  campaign: Campaign,
  runTag: string,
  book: OrderBook,
): CouponEvidence {
  const claims = new Map(
    (
      sqlite
        .prepare(
          `SELECT coupon_id, sum(n), max(n) FROM (SELECT coupon_id, count(*) AS n FROM wallet
            WHERE source = 'claim' GROUP BY coupon_id, buyer_id) GROUP BY coupon_id`,
        )
        .raw()
        .all() as [string, number, number][]
    ).map(([id, claimed, buyerMax]) => [id, { claimed, buyerMax }]),
  );
  const templates = campaign.coupons.map((c) => ({
    id: c.id,
    total: c.total,
    perBuyer: c.perBuyer,
    claimed: claims.get(c.id)?.claimed ?? 0,
    buyerMax: claims.get(c.id)?.buyerMax ?? 0,
  }));
  const mine = sqlite
    .prepare("SELECT count(*) FROM wallet WHERE source = 'claim' AND buyer_id LIKE ?")
    .pluck()
    .get(`sim-${runTag}-%`) as number;
  return {
    source: 'database',
    templates,
    budgets: tallyBudgets(sqlite, budgetCapsOf(campaign)),
    claimsSeen: book.counts.couponsClaimed,
    claimsOnServer: mine,
    claimsUnknown: book.counts.claimsUnknown,
    buyersRead: book.claimsByBuyer.size,
    buyersClaiming: book.claimsByBuyer.size,
  };
}

function tallyBudgets(sqlite: Database.Database, caps: readonly BudgetCap[]): BudgetTally[] {
  if (caps.length === 0) return [];
  // Each store order's `applied` holds one entry per discount: the budget it took (offer-takes.ts).
  const rows = sqlite
    .prepare(
      `SELECT json_extract(a.value, '$.id'), sum(json_extract(a.value, '$.amount')),
              max(json_extract(a.value, '$.amount'))
         FROM orders AS o, json_each(o.detail, '$.applied') AS a
        WHERE o.status IN ('pending_payment', 'deposit_paid', 'paid')
          AND json_extract(a.value, '$.id') IN (SELECT value FROM json_each(?))
        GROUP BY 1`,
    )
    .raw()
    .all(JSON.stringify(caps.map((c) => c.id))) as [string, number, number][];
  const spent = new Map(rows.map(([id, spentFen, takeMaxFen]) => [id, { spentFen, takeMaxFen }]));
  return caps.map((c) => ({ ...c, spentFen: 0, takeMaxFen: 0, ...spent.get(c.id) }));
}

interface CouponListed extends CouponCap {
  claimed: number;
}

/** With --url: the issue caps as the server counts them, per buyer from the run's wallets. */
export async function couponsOverHttp(
  client: ShopperClient,
  book: OrderBook,
): Promise<CouponEvidence | null> {
  const reply = await client.call('coupons', 'GET', '/api/coupons', {});
  if (reply.status !== 200 || reply.body.items.length === 0) return null;
  const listed = reply.body.items as CouponListed[];
  const buyers = [...book.claimsByBuyer.keys()].slice(0, WALLETS_READ_MAX);
  const buyerMax = new Map<string, number>();
  let claimsOnServer = 0;
  let claimsSeen = 0;
  let read = 0;
  await inParallel(buyers, READ_CONCURRENCY, async (buyer) => {
    const wallet = await client.call('wallet', 'GET', '/api/wallet', { buyer });
    if (wallet.status !== 200) return;
    read += 1;
    claimsSeen += book.claimsByBuyer.get(buyer)!;
    const held = new Map<string, number>();
    for (const e of wallet.body.items as { couponId: string; source: string }[]) {
      if (e.source !== 'claim') continue;
      claimsOnServer += 1;
      held.set(e.couponId, (held.get(e.couponId) ?? 0) + 1);
    }
    for (const [id, n] of held) buyerMax.set(id, Math.max(buyerMax.get(id) ?? 0, n));
  });
  return {
    source: 'http',
    templates: listed.map((c) => ({
      id: c.id,
      total: c.total,
      perBuyer: c.perBuyer,
      claimed: c.claimed,
      buyerMax: buyerMax.get(c.id) ?? 0,
    })),
    budgets: null,
    claimsSeen,
    claimsOnServer: read === book.claimsByBuyer.size ? claimsOnServer : null,
    claimsUnknown: book.counts.claimsUnknown,
    buyersRead: read,
    buyersClaiming: book.claimsByBuyer.size,
  };
}

/** Given more than the budget by more than its last discount (see the top of this file). */
export function overspent(b: BudgetTally): boolean {
  return b.spentFen > 0 && b.spentFen - b.takeMaxFen >= b.budgetFen;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const yuan = (fen: number) => `¥${fmt(Math.round(fen / 100))}`;

function budgetsText(budgets: readonly BudgetTally[] | null): string {
  if (budgets === null) return 'budgets not checked with --url: no endpoint shows what a budget has spent';
  if (budgets.length === 0) return 'no budgets';
  return `budgets: ${budgets.map((b) => `${b.id} ${yuan(b.spentFen)} of ${yuan(b.budgetFen)}`).join(', ')}`;
}

function claimsText(e: CouponEvidence): string {
  const claimed = e.templates.reduce((sum, t) => sum + t.claimed, 0);
  const wallets =
    e.claimsOnServer === null
      ? `${fmt(e.buyersRead)} of ${fmt(e.buyersClaiming)} wallets read back`
      : `${fmt(e.claimsOnServer)} in their wallets`;
  const fullest = e.templates
    .filter((t) => t.total !== null && t.total > 0)
    .sort((a, b) => b.claimed / b.total! - a.claimed / a.total! || (a.id < b.id ? -1 : 1))[0];
  const perBuyer = Math.max(0, ...e.templates.map((t) => t.buyerMax));
  return `${e.templates.length} templates, ${fmt(claimed)} claimed (${fmt(e.claimsSeen)} answered to this run's shoppers, ${wallets})${fullest ? `; fullest ${fullest.id} ${fmt(fullest.claimed)}/${fmt(fullest.total!)}` : ''}; at most ${perBuyer} of one coupon per buyer`;
}

/** Pure: the verdict from the evidence (null = the server lists no coupons). */
export function couponVerdict(e: CouponEvidence | null): InvariantResult {
  const base = { id: 'coupon-caps', zh: '券发放上限与预算', en: 'Coupon caps and budgets' } as const;
  if (e === null) {
    return { ...base, status: 'skip', value: 0, detail: 'not checked: no coupons listed', examples: [] };
  }
  const examples: string[] = [];
  for (const t of e.templates) {
    if (t.total !== null && t.claimed > t.total)
      examples.push(`${t.id}: ${t.claimed} claimed, issue cap ${t.total}`);
    if (t.buyerMax > t.perBuyer) examples.push(`${t.id}: a buyer holds ${t.buyerMax}, limit ${t.perBuyer}`);
  }
  for (const b of (e.budgets ?? []).filter(overspent)) {
    examples.push(
      `${b.id}: ${yuan(b.spentFen)} given, budget ${yuan(b.budgetFen)} (largest discount ${yuan(b.takeMaxFen)})`,
    );
  }
  // A claim never answered may or may not have gone through: at most that many more.
  if (
    e.claimsOnServer !== null &&
    (e.claimsOnServer < e.claimsSeen || e.claimsOnServer > e.claimsSeen + e.claimsUnknown)
  ) {
    const unknown = e.claimsUnknown > 0 ? ` (and ${e.claimsUnknown} never answered)` : '';
    examples.push(`${e.claimsSeen} claims answered 201${unknown}, ${e.claimsOnServer} in the run's wallets`);
  }
  return {
    ...base,
    status: examples.length === 0 ? 'pass' : 'fail',
    value: examples.length,
    detail: `${claimsText(e)}; ${budgetsText(e.budgets)}`,
    examples: examples.slice(0, EXAMPLES_MAX),
  };
}
