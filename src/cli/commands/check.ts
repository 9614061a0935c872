// dacu check --campaign FILE [--json]: validates a campaign and prints the margin report.
import { indexCampaign } from '../../domain/campaign-index.ts';
import { type MarginRow, marginReport } from '../../domain/margin.ts';
import { fenToYuan } from '../../domain/money.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import { renderTable } from '../table.ts';

/**
 * Rows of the text report, the worst margins first; the rest are said in one line (--json has
 * them all). A terminal table of every SKU of a large catalogue reads as nobody's report, and
 * cli-table3 lays out a table in time that grows with the square of its rows.
 */
export const MARGIN_ROWS_SHOWN = 200;
/** Losing SKUs named in the summary line (the worst first); the report lists the rest. */
const LOSERS_NAMED = 10;

export async function checkCommand(options: { campaign: string; json?: boolean }): Promise<string> {
  const campaign = await loadCampaignForCli(options.campaign);
  const rows = marginReport(indexCampaign(campaign));
  if (options.json) return JSON.stringify({ campaign: campaign.id, valid: true, margins: rows }, null, 2);
  const losers = rows.filter((r) => r.worstMarginFen < 0);
  const head = [
    'SKU',
    '商品 Title',
    '角色 Role',
    '成本 Cost',
    '活动价 Activity',
    '活动 Offer',
    '活动毛利 Margin',
    '最坏价 Worst',
    '最坏毛利 Worst margin',
    '最坏毛利率 Worst %',
    '最坏时段 Worst when',
  ];
  const shown = rows.slice(0, MARGIN_ROWS_SHOWN);
  const table = renderTable(
    head,
    shown.map((r) => [
      r.sku,
      r.title,
      r.role,
      fenToYuan(r.costFen),
      fenToYuan(r.activityPriceFen),
      offerText(r),
      fenToYuan(r.marginAtActivityFen),
      fenToYuan(r.worstPriceFen),
      fenToYuan(r.worstMarginFen),
      percentShown(r.worstMarginPercent),
      whenText(r),
    ]),
    ['left', 'left', 'left', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  const summary = [
    `✓ ${options.campaign}: 活动有效 campaign "${campaign.name}" is valid — ${campaign.stores.length} stores, ${campaign.catalog.length} SKUs, ${campaign.promotions.length} promotions, ${campaign.coupons.length} coupons`,
    losers.length > 0
      ? `⚠ ${losers.length} 个 SKU 在最坏叠加下亏损 SKUs lose money when every discount live at the same moment stacks: ${losers.slice(0, LOSERS_NAMED).map(loserText).join(', ')}${losers.length > LOSERS_NAMED ? `, … and ${losers.length - LOSERS_NAMED} more (in the report below)` : ''}`
      : '✓ 所有 SKU 最坏情况下仍盈利 every SKU keeps a margin in the worst case',
  ];
  return [
    ...summary,
    '',
    '毛利报告 Margin report (worst case = the discounts live at the same moment, each at its deepest rate, and the gifts one unit brings then, at cost; red envelopes excluded)',
    table,
    ...(rows.length > shown.length
      ? [
          `… 另有 ${rows.length - shown.length} 个 SKU and ${(rows.length - shown.length).toLocaleString('en-US')} more SKUs, none with a lower worst margin % than the last shown (all of them: --json)`,
        ]
      : []),
  ].join('\n');
}

/** s5-phone (-3249.05, 限 11 件 11 units only, 11-11 00:00–00:30): how much, for how many, when. */
function loserText(r: MarginRow): string {
  const notes = [fenToYuan(r.worstMarginFen)];
  if (r.worstUnits !== null) notes.push(limitedText(r.worstUnits));
  for (const g of r.gifts) notes.push(`赠品 gift ${g.id} −${fenToYuan(g.costFen)}`);
  notes.push(whenText(r));
  return `${r.sku} (${notes.join(', ')})`;
}

/**
 * The worst moment in the campaign's zone, short: 11-11 00:00–00:30, 10-31 20:00–11-04 00:00;
 * an open end shows as an arrow (… → 11-12 00:00, 11-11 00:00 → …), no end at all as 任何时候 any time.
 */
function whenText(r: MarginRow): string {
  if (r.worstAt === null && r.worstUntil === null) return '任何时候 any time';
  const from = r.worstAt === null ? '…' : shortTime(r.worstAt);
  if (r.worstUntil === null) return `${from} → …`;
  const until = shortTime(r.worstUntil);
  if (r.worstAt === null) return `… → ${until}`;
  const sameDay = from.slice(0, 5) === until.slice(0, 5);
  return `${from}–${sameDay ? until.slice(6) : until}`;
}

/** 2026-11-11T00:30:00+08:00 → 11-11 00:30 (the text is already in the campaign's zone). */
function shortTime(iso: string): string {
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** 限 11 件 / 11 units only: a price that holds for a few units. */
function limitedText(units: number): string {
  return `限 ${units} 件 ${units} units only`;
}

/** The offer behind the activity price, and its limit when it has one. */
function offerText(r: MarginRow): string {
  if (r.activityOfferId === null) return '—';
  return r.activityUnits === null
    ? r.activityOfferId
    : `${r.activityOfferId} (${limitedText(r.activityUnits)})`;
}

/** Beyond −999% (a ¥1 flash item that cost ¥3,250) the figure says nothing more than "far below". */
function percentShown(percent: number): string {
  return percent < -999 ? '< -999' : percent.toFixed(2);
}
