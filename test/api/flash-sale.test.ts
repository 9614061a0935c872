// Sale mechanics at checkout (issue: sale mechanics): flash sessions enforced atomically with
// stock, sold-out visible at once, refusals with clear codes, first-N for exactly N units, gift
// stock first come first served and given back on cancel.
import { afterEach, describe, expect, it } from 'vitest';
import { item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { AT, startApi, type TestApi } from './api-harness.ts';

const session = { startMs: AT - 60_000, endMs: AT + 30 * 60_000 };
const later = { startMs: AT + 60 * 60_000, endMs: AT + 90 * 60_000 };

function flashSale(): Parameters<typeof startApi>[0] {
  return {
    catalog: [
      item('phone', 's1', 399_900, { stock: 100, title: '1元抢手机' }),
      item('cable', 's1', 5_000, { stock: 1000 }),
      item('case', 's1', 9_900, { stock: 1000 }),
    ],
    promotions: [
      promo.flash('f-20', 'phone', 100, 5, 1, session),
      promo.flash('f-21', 'phone', 100, 5, 1, later),
      promo.firstN('first-case', 'case', 4_900, 3),
      promo.gift('g-cable', ['phone', 'case'], 'cable', 2),
    ],
    coupons: [],
  };
}

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

const rush = (buyer: string, sessionId = 'f-20', qty = 1) =>
  api.call('POST', '/api/orders', {
    buyer,
    json: { lines: [{ sku: 'phone', qty }], flashSessions: [sessionId] },
  });

describe('flash sessions (秒杀)', () => {
  it('sells exactly the session quantity to a rush of buyers, at the session price, and shows sold out at once', async () => {
    api = await startApi(flashSale());
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => rush(`b${i}`)));
    const won = replies.filter((r) => r.status === 201);
    expect(won).toHaveLength(5);
    expect(won.every((r) => r.body.payable === 100)).toBe(true);
    const lost = replies.filter((r) => r.status !== 201);
    expect(lost.every((r) => r.status === 409 && r.body.code === 'FLASH_SOLD_OUT')).toBe(true);
    const catalog = await api.call('GET', '/api/catalog');
    const phone = catalog.body.items.find((i: { sku: string }) => i.sku === 'phone');
    expect(phone.flashSessions[0]).toMatchObject({ id: 'f-20', remaining: 0, state: 'sold_out' });
    expect(phone.price).toBe(399_900); // the session price is gone for everyone
    expect(await api.stock('phone')).toMatchObject({ reserved: 5, available: 95 });
  });

  it('refuses a session that has not opened, and a second unit to the same buyer', async () => {
    api = await startApi(flashSale());
    const early = await rush('b1', 'f-21');
    expect([early.status, early.body.code, early.body.startsAt]).toEqual([
      409,
      'FLASH_SESSION_NOT_OPEN',
      '2026-11-11T21:05:00+08:00',
    ]);
    expect((await rush('b1')).status).toBe(201);
    const again = await rush('b1');
    expect([again.status, again.body.code]).toEqual([409, 'FLASH_LIMIT_REACHED']);
    const two = await rush('b2', 'f-20', 2);
    expect([two.status, two.body.code]).toEqual([409, 'FLASH_LIMIT_REACHED']);
    expect((await api.stock('phone')).reserved).toBe(1);
  });

  it('gives a cancelled unit back to the session', async () => {
    api = await startApi(flashSale());
    const placed = await rush('b1');
    const before = (await api.call('GET', '/api/catalog')).body.items.find(
      (i: { sku: string }) => i.sku === 'phone',
    );
    expect(before.flashSessions[0].remaining).toBe(4);
    await api.call('POST', `/api/orders/${placed.body.orders[0].id}/cancel`, { buyer: 'b1', json: {} });
    const after = (await api.call('GET', '/api/catalog')).body.items.find(
      (i: { sku: string }) => i.sku === 'phone',
    );
    expect(after.flashSessions[0].remaining).toBe(5);
    expect((await rush('b1')).status).toBe(201); // the buyer's limit came back too
  });
});

describe('first-N and gifts', () => {
  it('honours the first-N price for exactly N units, first come', async () => {
    api = await startApi(flashSale());
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.call('POST', '/api/orders', { buyer: `c${i}`, json: { lines: [{ sku: 'case', qty: 1 }] } }),
      ),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const payables = replies.map((r) => r.body.payable).sort((a, b) => a - b);
    expect(payables).toEqual([4_900, 4_900, 4_900, 9_900, 9_900, 9_900, 9_900, 9_900]);
  });

  it('grants a gift while gift stock lasts and takes it back on cancel', async () => {
    api = await startApi(flashSale());
    const order = (buyer: string) =>
      api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'case', qty: 1 }] } });
    const first = await order('g1');
    const second = await order('g2');
    const third = await order('g3');
    expect([first, second, third].map((r) => r.body.gifts.length)).toEqual([1, 1, 0]);
    await api.call('POST', `/api/orders/${first.body.orders[0].id}/cancel`, { buyer: 'g1', json: {} });
    expect((await order('g4')).body.gifts).toEqual([{ promotionId: 'g-cable', sku: 'cable', qty: 1 }]);
  });
});
