// The live cockpit end to end: the real `dacu serve` (startServer: SQLite, trade engine, live board,
// operator sign-in, the built web/ pages) driven by a real Chromium. An operator signs in, watches
// the board while shoppers place and pay orders over the API, sees the paid GMV arrive, switches to
// English, looks at the campaign page, and prices a cart on the price-preview page. From a sold-out
// alert the operator points the SKU to a substitute.
//
// Chromium is Debian's (/usr/bin/chromium, `apt-get install chromium`), driven by playwright-core;
// nothing downloads a browser. Screenshots go to test-artifacts/ (git-ignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.ts';
import { formatYuan } from '../../web/src/format/money.ts';
import { launchChromium } from './chromium.ts';
import { ensureWebBuilt, REPO_ROOT } from './web-build.ts';

const CAMPAIGN = join(REPO_ROOT, 'test', 'fixtures', 'cockpit-campaign.yaml');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
/** 20:05 on 11.11 in Shanghai: the climax phase, the 20:00 flash session open. */
const SALE_AT = Date.parse('2026-11-11T20:05:00+08:00');
const ADMIN = { username: 'admin', password: 'secret', role: 'admin' as const };
const UI_WAIT_MS = 15_000;

const DB_DIR = mkdtempSync(join(tmpdir(), 'dacu-cockpit-'));
/** What the shoppers paid in this run, in fen. */
let paidTotal = 0;
let clock: () => number;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** A POST as a signed-in shopper, or with no buyer header (null) as the price preview asks. */
async function shopper(path: string, buyer: string | null, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(buyer === null ? {} : { 'x-buyer-id': buyer }) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** A shopper's way to an order: the catalogue (a visit), the cart priced (a cart), the order. */
async function placeOrder(buyer: string, lines: { sku: string; qty: number }[]) {
  expect((await fetch(`${server.url}/api/catalog`)).status).toBe(200);
  await shopper('/api/quote', buyer, { lines });
  return shopper('/api/orders', buyer, { lines });
}

/** Places one checkout and pays every order in it; returns the fen paid. */
async function buyAndPay(buyer: string, lines: { sku: string; qty: number }[]): Promise<number> {
  const placed = await placeOrder(buyer, lines);
  let paid = 0;
  for (const order of placed.orders as { id: string; payable: number }[]) {
    await shopper(`/api/orders/${order.id}/pay`, buyer, {});
    paid += order.payable;
  }
  return paid;
}

beforeAll(async () => {
  ensureWebBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  // The sale's clock runs from 20:05 at real speed, so the board's per-second figures move.
  const startedAt = Date.now();
  clock = () => SALE_AT + (Date.now() - startedAt);
  server = await serve(0);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1680, height: 1050 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.setDefaultTimeout(UI_WAIT_MS);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(DB_DIR, { recursive: true, force: true });
});

function serve(port: number): Promise<RunningServer> {
  return startServer({
    campaign: CAMPAIGN,
    db: join(DB_DIR, 'dacu.db'),
    port,
    logLevel: 'silent',
    operators: [ADMIN],
    channels: 'alipay:latency=0;wechat:latency=0',
    live: { pollMs: 20 },
    clock,
  });
}

async function signIn(password = ADMIN.password): Promise<void> {
  await page.getByTestId('login-username').fill(ADMIN.username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('the live cockpit in Chromium', () => {
  it('serves the built pages at / from dacu serve', async () => {
    const res = await fetch(`${server.url}/`);
    const html = await res.text();
    expect(
      res.status,
      'GET / must serve web/dist/index.html: is registerWebAssets registered in buildServer?',
    ).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('refuses a wrong password, then signs in and shows the live board', async () => {
    await page.goto(`${server.url}/`);
    await signIn('wrong');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('用户名或密码错误');
    await page.screenshot({ path: join(ARTIFACTS, 'login.png') });

    await signIn();
    await page.getByTestId('gmv-paid').waitFor();
    expect(await page.getByTestId('gmv-paid-label').textContent()).toBe('支付金额');
    expect(await page.getByTestId('gmv-paid').textContent()).toBe('¥0.00');
    expect(await page.getByTestId('gmv-target').textContent()).toBe('目标 ¥100,000.00');
    expect(await page.getByTestId('current-phase').textContent()).toContain('高潮期');
    await expect
      .poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: UI_WAIT_MS })
      .toBe('live');
  });

  it('shows paid orders on the board as they are paid', async () => {
    let paid = 0;
    paid += await buyAndPay('u1', [{ sku: 's1-tv', qty: 1 }]); // 8折: ¥3,199.20
    paid += await buyAndPay('u2', [
      { sku: 's2-serum', qty: 1 },
      { sku: 's2-lipstick', qty: 3 }, // sells the lipstick out
    ]);
    paid += await buyAndPay('u3', [{ sku: 's1-kettle', qty: 2 }]); // flash price; the kettle runs low
    // One left unpaid: the board lists it with its deadline.
    const waiting = await placeOrder('u4', [{ sku: 's2-serum', qty: 1 }]);
    // Two more shoppers look around and leave: the funnel narrows.
    for (const buyer of ['u5', 'u6']) {
      await fetch(`${server.url}/api/catalog`);
      await shopper('/api/quote', buyer, { lines: [{ sku: 's1-tv', qty: 1 }] });
    }
    await fetch(`${server.url}/api/catalog`);
    expect(paid).toBe(319_920 + (69_900 + 3 * 23_900 - 15_000) + 2 * 9_900);
    paidTotal = paid;

    await expect
      .poll(() => page.getByTestId('gmv-paid').textContent(), { timeout: UI_WAIT_MS })
      .toBe(formatYuan(paid));
    expect(await page.getByTestId('kpi-orders-paid').textContent()).toBe('3');
    expect(await page.getByTestId('kpi-orders-cancelled').textContent()).toBe('0');
    expect(await page.getByTestId('kpi-orders-expired').textContent()).toBe('超时关闭 0');
    await expect.poll(() => page.getByTestId('kpi-orders-placed').textContent()).toBe('4');
    await page.getByTestId('stock-alert-s2-lipstick').getByText('售罄').waitFor();
    await page.getByTestId('stock-alert-s1-kettle').getByText('库存紧张').waitFor();
    await page.getByTestId(`unpaid-${waiting.orders[0].id}`).waitFor();
    expect(await page.getByTestId('unpaid-summary').textContent()).toContain('1 笔待支付');
    expect(await page.getByTestId('channel-alipay').textContent()).toContain('100.0%');
    // Paced against the climax's own 70% (¥70,000 over the day, ¥58.5k by 20:05), with the whole
    // plan (the warm-up's 30% as well) beside it. The clock runs on, so the cents do too.
    expect(await page.getByTestId('gmv-phase-pacing').textContent()).toMatch(
      /^高潮期已付 ¥4,663\.20 \/ 此刻应达 ¥58,\d{3}\.\d\d$/,
    );
    expect(await page.getByTestId('gmv-pacing').textContent()).toMatch(/^进度 8\.0% · 落后$/);
    expect(await page.getByTestId('gmv-plan-pacing').textContent()).toMatch(
      /^全程已付 ¥4,663\.20 \/ 此刻应达 ¥88,\d{3}\.\d\d$/,
    );
    expect(await page.getByTestId('gmv-plan-pill').textContent()).toBe('进度 5.3% · 落后');
    await page.waitForTimeout(600); // let the charts finish their update animation
    await page.screenshot({ path: join(ARTIFACTS, 'cockpit.png'), fullPage: true });
  });

  it('sets sold-out actions from the alerts (a substitute, a restock, a pre-sale), and the board shows them', async () => {
    const alert = page.getByTestId('stock-alert-s2-lipstick');
    expect(await alert.getByTestId('stock-action-s2-lipstick').count()).toBe(0);
    await alert.getByTestId('stock-substitute-s2-lipstick').click();
    const pick = alert.getByTestId('stock-substitute-sku-s2-lipstick');
    await expect.poll(() => pick.isEnabled()).toBe(true);
    await pick.selectOption('s2-serum');
    await alert.getByTestId('stock-submit-s2-lipstick').click();
    // Set over the API, carried by the next snapshot.
    await expect
      .poll(() => alert.getByTestId('stock-action-s2-lipstick').textContent(), { timeout: UI_WAIT_MS })
      .toBe('替代: s2-serum');
    expect(await alert.getByTestId('stock-form-s2-lipstick').count()).toBe(0);

    // 补货: one returned lipstick is put back; at its safety stock it runs low, no longer sold out.
    await alert.getByTestId('stock-restock-s2-lipstick').click();
    await alert.getByTestId('stock-units-s2-lipstick').fill('1');
    await alert.getByTestId('stock-note-s2-lipstick').fill('退货入库');
    await alert.getByTestId('stock-submit-s2-lipstick').click();
    await alert.getByText('库存紧张').waitFor({ timeout: UI_WAIT_MS });
    expect(await alert.getByText('售罄').count()).toBe(0);
    const restocks = await (await fetch(`${server.url}/api/catalog`)).json();
    expect(restocks.items.find((i: { sku: string }) => i.sku === 's2-lipstick').stock).toEqual({
      available: 1,
      state: 'low',
    });

    await page.getByTestId('stock-alerts').screenshot({ path: join(ARTIFACTS, 'stock-alerts.png') });

    // The kettle runs low: it goes on pre-sale, shipped on the 20th. The pre-sale units are stock
    // to sell, so its alert clears.
    const kettle = page.getByTestId('stock-alert-s1-kettle');
    await kettle.getByTestId('stock-presale-s1-kettle').click();
    await kettle.getByTestId('stock-ship-date-s1-kettle').fill('2026-11-20');
    await kettle.getByTestId('stock-units-s1-kettle').fill('50');
    await page.getByTestId('stock-alerts').screenshot({ path: join(ARTIFACTS, 'stock-alerts-form.png') });
    await kettle.getByTestId('stock-submit-s1-kettle').click();
    await expect.poll(() => kettle.count(), { timeout: UI_WAIT_MS }).toBe(0);
  });

  it('says when the server is gone, and after its restart signs in again onto the same board', async () => {
    const state = () => page.getByTestId('connection-state').getAttribute('data-state');
    const port = Number(new URL(server.url).port);
    await server.close();
    await expect.poll(state, { timeout: UI_WAIT_MS }).toBe('reconnecting');
    expect(await page.getByTestId('connection-state').textContent()).toBe('重连中…');

    // Same port, same database: the board is rebuilt from the event log. Operator sessions live in
    // the server's memory, so the page comes back to the sign-in form and says why.
    server = await serve(port);
    await expect
      .poll(() => page.getByTestId('login-form').textContent(), { timeout: UI_WAIT_MS })
      .toContain('登录已过期');
    await signIn();
    await expect.poll(() => page.getByTestId('gmv-paid').textContent()).toBe(formatYuan(paidTotal));
    await expect.poll(state).toBe('live');
    // The sold-out action was stored: the rebuilt board still shows it.
    expect(await page.getByTestId('stock-action-s2-lipstick').textContent()).toBe('替代: s2-serum');
  });

  it('switches to English and keeps the choice across a reload', async () => {
    await page.getByTestId('lang-toggle').click();
    expect(await page.getByTestId('gmv-paid-label').textContent()).toBe('Paid GMV');
    expect(await page.getByTestId('connection-state').textContent()).toBe('Live');
    await page.reload();
    await page.getByTestId('gmv-paid').waitFor();
    expect(await page.getByTestId('gmv-paid-label').textContent()).toBe('Paid GMV');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(ARTIFACTS, 'cockpit-en.png'), fullPage: true });
    await page.getByTestId('lang-toggle').click();
    expect(await page.getByTestId('gmv-paid-label').textContent()).toBe('支付金额');
  });

  it('shows the campaign: its plan with each phase’s pace, and what is left of the flash session', async () => {
    await page.getByTestId('nav-campaign').click();
    const bar = page.getByTestId('flash-remaining-p-flash-kettle');
    await bar.waitFor();
    // The plan the board paces against: ¥100,000 split 30 / 70, the warm-up with its pace.
    expect(await page.getByTestId('plan-target-gmv').textContent()).toBe('GMV 目标 ¥100,000.00');
    expect(await page.getByTestId('plan-phase-target-warm-up').textContent()).toBe('¥30,000.00');
    expect(await page.getByTestId('plan-phase-target-climax').textContent()).toBe('¥70,000.00');
    expect(await page.getByTestId('plan-pace-warm-up').textContent()).toBe(
      '11/01 20:00:00 10%11/10 20:00:00 60%',
    );
    expect(await page.getByTestId('plan-phase-climax').textContent()).toContain('匀速');
    expect(await page.getByTestId('plan-phase-climax').textContent()).toContain('进行中');
    expect(await page.getByTestId('plan-phase-warm-up').textContent()).toContain('已结束');
    expect(await bar.getAttribute('aria-valuenow')).toBe('8');
    expect(await bar.textContent()).toBe('剩余 8 / 10');
    expect(await page.getByTestId('promotions').textContent()).toContain('p-store-s2');
    // Rules in the sale's own words, money in yuan.
    expect(await page.getByTestId('rules-p-store-s2').textContent()).toBe(
      '满¥300.00减¥50.00 · 满¥1,000.00减¥150.00',
    );
    expect(await page.getByTestId('rules-c-s1-200').textContent()).toContain(
      '店铺 星河家电旗舰店 · 满¥3,000.00减¥200.00',
    );
    expect(await page.getByTestId('coupons').textContent()).toContain('c-plat-50');
    await page.screenshot({ path: join(ARTIFACTS, 'campaign.png'), fullPage: true });
  });

  it('prices a cart on the price-preview page exactly as POST /api/quote does', async () => {
    await page.getByTestId('nav-preview').click();
    await page.getByTestId('preview-sku-0').selectOption('s2-serum');
    await page.getByTestId('preview-add-line').click();
    await page.getByTestId('preview-sku-1').selectOption('s1-tv');
    await page.getByTestId('preview-coupon-c-plat-50').check();
    await page.getByTestId('preview-membership-vip88').check();
    await page.getByTestId('preview-submit').click();
    await page.getByTestId('quote-result').waitFor();

    const expected = await shopper('/api/quote', null, {
      buyer: { id: 'preview', memberships: ['vip88'] },
      lines: [
        { sku: 's2-serum', qty: 1 },
        { sku: 's1-tv', qty: 1 },
      ],
      wallet: ['c-plat-50'],
    });
    expect(expected.applied.map((a: { id: string }) => a.id)).toContain('c-plat-50');
    expect(await page.getByTestId('quote-payable').textContent()).toBe(formatYuan(expected.payable));
    for (const store of expected.stores as {
      storeId: string;
      payable: number;
      lines: { sku: string; payable: number }[];
    }[]) {
      expect(await page.getByTestId(`quote-store-${store.storeId}`).textContent()).toBe(
        formatYuan(store.payable),
      );
      for (const line of store.lines) {
        expect(await page.getByTestId(`quote-line-payable-${line.sku}`).textContent()).toBe(
          formatYuan(line.payable),
        );
      }
    }
    // The serum alone (¥699) is past 满300减50 and short of 满1000减150: a 凑单 hint.
    const hint = expected.hints.find((h: { id: string }) => h.id === 'p-store-s2');
    expect(hint).toBeDefined();
    expect(await page.getByTestId('quote-hint-p-store-s2').textContent()).toContain(formatYuan(hint.needed));
    await page.screenshot({ path: join(ARTIFACTS, 'preview.png'), fullPage: true });
  });
});
