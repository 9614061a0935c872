// 补货 of a pre-sale pool from the cockpit, in Chromium: deposits empty a SKU's own pre-sale pool,
// its alert offers a restock (and no sold-out action: the SKU sells on from spot stock), and the
// units an operator adds there go to the pool, whose alert clears.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.ts';
import { launchChromium } from './chromium.ts';
import { ensureWebBuilt, REPO_ROOT } from './web-build.ts';

const DIR = mkdtempSync(join(tmpdir(), 'dacu-presale-restock-'));
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const CAMPAIGN = `
campaign: { id: presale-restock, name: 预售补货 }
stores: [{ id: s1, name: 星河家电 }]
catalog:
  - { sku: fridge, store: s1, title: 对开门冰箱, category: appliances, role: hero, listPrice: 5999, cost: 2450, stock: 50, presaleStock: 2 }
promotions:
  - { id: p-presale, name: 冰箱预售, kind: presale, sku: fridge, price: 4999, deposit: 200, depositValue: 500,
      depositStart: 2026-11-11T00:00, depositEnd: 2026-11-11T23:00,
      balanceStart: 2026-11-11T23:00, balanceEnd: 2026-11-12T00:00 }
`;
const ADMIN = { username: 'admin', password: 'secret', role: 'admin' as const };
const AT = Date.parse('2026-11-11T20:05:00+08:00');

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(DIR, 'campaign.yaml'), CAMPAIGN);
  server = await startServer({
    campaign: join(DIR, 'campaign.yaml'),
    db: join(DIR, 'dacu.db'),
    port: 0,
    logLevel: 'silent',
    operators: [ADMIN],
    live: { pollMs: 20 },
    clock: () => AT,
  });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(DIR, { recursive: true, force: true });
});

describe('a pre-sale pool restocked from the cockpit', () => {
  it('offers only a restock on the pool alert, and the units clear it', async () => {
    const placed = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-buyer-id': 'b1' },
      body: JSON.stringify({ lines: [{ sku: 'fridge', qty: 2 }] }),
    });
    expect(((await placed.json()) as { orders: { presale: unknown }[] }).orders[0]!.presale).not.toBeNull();

    await page.goto(server.url);
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    const alert = page.getByTestId('stock-alert-fridge-presale');
    await alert.waitFor();
    expect(await alert.getByTestId('stock-presale-fridge-presale').count()).toBe(0);
    expect(await alert.getByTestId('stock-substitute-fridge-presale').count()).toBe(0);

    await alert.getByTestId('stock-restock-fridge-presale').click();
    await alert.getByTestId('stock-units-fridge-presale').fill('20');
    await alert.getByTestId('stock-note-fridge-presale').fill('追加预售');
    await page.getByTestId('stock-alerts').screenshot({ path: join(ARTIFACTS, 'presale-restock.png') });
    await alert.getByTestId('stock-submit-fridge-presale').click();
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(0);
    const catalog = (await (await fetch(`${server.url}/api/catalog`)).json()) as {
      items: { sku: string; presaleStock: { available: number }; stock: { available: number } }[];
    };
    const fridge = catalog.items.find((i) => i.sku === 'fridge')!;
    expect([fridge.presaleStock.available, fridge.stock.available]).toEqual([20, 50]);
  });
});
