// The hot ledger against real Redis: all-or-nothing store orders, limited offers, idempotent and
// state-checked commit and release, restart-safe opening.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const client: Redis = connect();
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(async () => {
  prefix = uniquePrefix('ledger');
  ledger = new RedisHotLedger(client, prefix);
  await ledger.openStock([
    { sku: 'tv', storeId: 'haier', initial: 5 },
    { sku: 'fridge', storeId: 'haier', initial: 2 },
    { sku: 'lipstick', storeId: 'mac', initial: 10 },
  ]);
  await ledger.openOffers([{ offerId: 'flash-tv', storeId: 'haier', units: 3 }]);
});

afterEach(async () => {
  expect(await ledger.checkIdentity()).toEqual([]);
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

let orderSeq = 0;
function order(
  lines: { sku: string; qty: number }[],
  extra: Partial<Parameters<RedisHotLedger['reserve']>[0]> = {},
) {
  orderSeq += 1;
  return {
    orderId: `o${orderSeq}`,
    storeId: 'haier',
    buyerId: 'b1',
    lines,
    takes: [],
    at: 1_000 + orderSeq,
    ...extra,
  };
}

async function stock(sku: string) {
  return (await ledger.stockOf([sku])).get(sku);
}

describe('reserve', () => {
  it('reserves every line of a store order or none', async () => {
    expect(
      await ledger.reserve(
        order([
          { sku: 'tv', qty: 2 },
          { sku: 'fridge', qty: 3 },
        ]),
      ),
    ).toEqual({
      ok: false,
      code: 'OUT_OF_STOCK',
      sku: 'fridge',
      available: 2,
    });
    expect(await stock('tv')).toEqual({ initial: 5, restocked: 0, available: 5, reserved: 0, sold: 0 });
    expect(
      await ledger.reserve(
        order([
          { sku: 'tv', qty: 2 },
          { sku: 'fridge', qty: 2 },
        ]),
      ),
    ).toEqual({ ok: true });
    expect(await stock('tv')).toMatchObject({ available: 3, reserved: 2 });
    expect(await stock('fridge')).toMatchObject({ available: 0, reserved: 2 });
  });

  it('sums lines of one SKU before checking', async () => {
    const r = await ledger.reserve(
      order([
        { sku: 'fridge', qty: 1 },
        { sku: 'fridge', qty: 2 },
      ]),
    );
    expect(r).toEqual({ ok: false, code: 'OUT_OF_STOCK', sku: 'fridge', available: 2 });
  });

  it('refuses a SKU that is unknown or belongs to another store', async () => {
    expect(await ledger.reserve(order([{ sku: 'nope', qty: 1 }]))).toEqual({
      ok: false,
      code: 'UNKNOWN_SKU',
      sku: 'nope',
    });
    expect(await ledger.reserve(order([{ sku: 'lipstick', qty: 1 }]))).toMatchObject({ code: 'UNKNOWN_SKU' });
  });

  it('answers a retried reserve without taking again', async () => {
    const r = order([{ sku: 'tv', qty: 2 }]);
    expect(await ledger.reserve(r)).toEqual({ ok: true });
    expect(await ledger.reserve(r)).toEqual({ ok: true });
    expect(await stock('tv')).toMatchObject({ available: 3, reserved: 2 });
  });
});

describe('limited offers', () => {
  const take = (units: number, perBuyer?: number) => [{ offerId: 'flash-tv', units, perBuyer }];

  it('stops a flash session at its quantity', async () => {
    expect(await ledger.reserve(order([{ sku: 'tv', qty: 2 }], { takes: take(2) }))).toEqual({ ok: true });
    expect(await ledger.reserve(order([{ sku: 'tv', qty: 2 }], { takes: take(2), buyerId: 'b2' }))).toEqual({
      ok: false,
      code: 'FLASH_SOLD_OUT',
      offerId: 'flash-tv',
      left: 1,
    });
    expect(await stock('tv')).toMatchObject({ available: 3, reserved: 2 });
    expect(await ledger.offerLeft(['flash-tv', 'unknown'])).toEqual(new Map([['flash-tv', 1]]));
  });

  it('holds each buyer to the per-buyer limit, and a release gives the units back', async () => {
    const first = order([{ sku: 'tv', qty: 1 }], { takes: take(1, 1) });
    expect(await ledger.reserve(first)).toEqual({ ok: true });
    expect(await ledger.reserve(order([{ sku: 'tv', qty: 1 }], { takes: take(1, 1) }))).toEqual({
      ok: false,
      code: 'FLASH_LIMIT_REACHED',
      offerId: 'flash-tv',
      perBuyer: 1,
    });
    expect(await ledger.boughtBy('b1', ['flash-tv'])).toEqual(new Map([['flash-tv', 1]]));
    expect(await ledger.release('haier', first.orderId)).toEqual({ ok: true, state: 'released' });
    expect(await ledger.boughtBy('b1', ['flash-tv'])).toEqual(new Map([['flash-tv', 0]]));
    expect(await ledger.offerLeft(['flash-tv'])).toEqual(new Map([['flash-tv', 3]]));
    expect(await ledger.reserve(order([{ sku: 'tv', qty: 1 }], { takes: take(1, 1) }))).toEqual({ ok: true });
  });

  it('refuses an offer never opened in the store rather than giving unlimited units', async () => {
    const r = order([{ sku: 'tv', qty: 1 }], { takes: [{ offerId: 'ghost', units: 1 }] });
    expect(await ledger.reserve(r)).toEqual({ ok: false, code: 'UNKNOWN_OFFER', offerId: 'ghost' });
    expect(await stock('tv')).toMatchObject({ available: 5, reserved: 0 });
  });
});

describe('commit and release', () => {
  it('commits at payment and answers a repeat the same', async () => {
    const r = order([{ sku: 'tv', qty: 2 }], { takes: [{ offerId: 'flash-tv', units: 2 }] });
    await ledger.reserve(r);
    expect(await ledger.commit('haier', r.orderId)).toEqual({ ok: true, state: 'sold' });
    expect(await ledger.commit('haier', r.orderId)).toEqual({ ok: true, state: 'sold' });
    expect(await stock('tv')).toMatchObject({ available: 3, reserved: 0, sold: 2 });
    expect(await ledger.offerLeft(['flash-tv'])).toEqual(new Map([['flash-tv', 1]]));
    expect(await ledger.release('haier', r.orderId)).toEqual({ ok: false, state: 'sold' });
    expect(await stock('tv')).toMatchObject({ available: 3, reserved: 0, sold: 2 });
  });

  it('releases at cancel or expiry and refuses a commit afterwards', async () => {
    const r = order([{ sku: 'tv', qty: 2 }]);
    await ledger.reserve(r);
    expect(await ledger.release('haier', r.orderId)).toEqual({ ok: true, state: 'released' });
    expect(await ledger.release('haier', r.orderId)).toEqual({ ok: true, state: 'released' });
    expect(await ledger.commit('haier', r.orderId)).toEqual({ ok: false, state: 'released' });
    expect(await stock('tv')).toMatchObject({ available: 5, reserved: 0, sold: 0 });
    expect(await ledger.reserve(r)).toEqual({ ok: false, code: 'ALREADY_RELEASED' });
  });

  it('refuses to commit an unknown order, and a release of one fences a late reserve', async () => {
    expect(await ledger.commit('haier', 'never')).toEqual({ ok: false, state: 'missing' });
    expect(await ledger.release('haier', 'late')).toEqual({ ok: true, state: 'released' });
    const late = { ...order([{ sku: 'tv', qty: 1 }]), orderId: 'late' };
    expect(await ledger.reserve(late)).toEqual({ ok: false, code: 'ALREADY_RELEASED' });
    expect(await stock('tv')).toMatchObject({ available: 5, reserved: 0 });
  });

  it('keeps finished records for the configured time only', async () => {
    const short = new RedisHotLedger(client, prefix, { finishedTtlSeconds: 60 });
    const r = order([{ sku: 'tv', qty: 1 }]);
    await short.reserve(r);
    await short.commit('haier', r.orderId);
    const ttl = await client.ttl(`${prefix}:{s:haier}:res:${r.orderId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});

describe('opening and restock', () => {
  it('never resets live counters when a restarted process opens again', async () => {
    await ledger.reserve(order([{ sku: 'tv', qty: 4 }]));
    const restarted = new RedisHotLedger(client, prefix);
    await restarted.openStock([{ sku: 'tv', storeId: 'haier', initial: 5 }]);
    await restarted.openOffers([{ offerId: 'flash-tv', storeId: 'haier', units: 3 }]);
    expect(await restarted.stockOf(['tv'])).toEqual(
      new Map([['tv', { initial: 5, restocked: 0, available: 1, reserved: 4, sold: 0 }]]),
    );
  });

  it('restocks a known SKU of its own store only', async () => {
    expect(await ledger.restock('haier', 'fridge', 3)).toBe(true);
    expect(await ledger.restock('mac', 'fridge', 3)).toBe(false);
    expect(await stock('fridge')).toEqual({ initial: 2, restocked: 3, available: 5, reserved: 0, sold: 0 });
  });
});
