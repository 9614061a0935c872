// A restock with an id (an operator action recorded in PostgreSQL) adds its units once per SKU,
// however many servers apply it and however often, for plain and hot (bucketed) SKUs alike; the
// stock identity holds throughout.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const client: Redis = connect();
const buckets = new Map([['phone', 3]]);
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(async () => {
  prefix = uniquePrefix('restock');
  ledger = new RedisHotLedger(client, prefix, { buckets });
  await ledger.openStock([
    { sku: 'tv', storeId: 'haier', initial: 2 },
    { sku: 'fridge', storeId: 'haier', initial: 2 },
    { sku: 'phone', storeId: 'apple', initial: 6 },
  ]);
});

afterEach(async () => {
  expect(await ledger.checkIdentity()).toEqual([]);
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

async function stock(sku: string) {
  return (await ledger.stockOf([sku])).get(sku);
}

describe('restock with an id', () => {
  it('adds the units the first time only, and answers whether this call applied them', async () => {
    expect(await ledger.restock('haier', 'tv', 5, 'presale-1')).toBe(true);
    expect(await ledger.restock('haier', 'tv', 5, 'presale-1')).toBe(false);
    expect(await stock('tv')).toEqual({ initial: 2, restocked: 5, available: 7, reserved: 0, sold: 0 });
    // Another id is another action; the same id on another SKU is that SKU's own.
    expect(await ledger.restock('haier', 'tv', 1, 'presale-2')).toBe(true);
    expect(await ledger.restock('haier', 'fridge', 5, 'presale-1')).toBe(true);
    expect(await stock('tv')).toMatchObject({ restocked: 6, available: 8 });
    expect(await stock('fridge')).toMatchObject({ restocked: 5, available: 7 });
  });

  it('keeps the meaning of a restock without id: applied every time', async () => {
    expect(await ledger.restock('haier', 'tv', 1)).toBe(true);
    expect(await ledger.restock('haier', 'tv', 1)).toBe(true);
    expect(await stock('tv')).toMatchObject({ restocked: 2, available: 4 });
  });

  it('answers false for an unknown SKU or a SKU of another store, and adds nothing', async () => {
    expect(await ledger.restock('haier', 'nope', 5, 'r1')).toBe(false);
    expect(await ledger.restock('mac', 'tv', 5, 'r1')).toBe(false);
    expect(await ledger.restock('haier', 'tv', 5, 'r1')).toBe(true);
  });

  it('throws when an id comes back with other units', async () => {
    await ledger.restock('haier', 'tv', 5, 'presale-1');
    await expect(ledger.restock('haier', 'tv', 4, 'presale-1')).rejects.toThrow(/other units/);
    await expect(ledger.restock('haier', 'tv', 4, '')).rejects.toThrow(/non-empty/);
    expect(await stock('tv')).toMatchObject({ restocked: 5, available: 7 });
  });

  it('spreads a hot SKU restock over its buckets once', async () => {
    expect(await ledger.restock('apple', 'phone', 7, 'presale-1')).toBe(true);
    expect(await ledger.restock('apple', 'phone', 7, 'presale-1')).toBe(false);
    expect(await stock('phone')).toEqual({ initial: 6, restocked: 7, available: 13, reserved: 0, sold: 0 });
    const perBucket = await Promise.all(
      [0, 1, 2].map((i) => client.hget(`${prefix}:{b:apple:phone:${i}}:stock:phone`, 'restocked')),
    );
    expect(perBucket).toEqual(['3', '2', '2']);
  });

  it('completes a hot SKU restock that died between the store slot and its buckets', async () => {
    // The first attempt recorded the id in the store slot, then its server crashed.
    await client.hset(`${prefix}:{s:apple}:stock:phone:restocks`, 'presale-1', '7');
    expect(await ledger.restock('apple', 'phone', 7, 'presale-1')).toBe(false);
    expect(await stock('phone')).toMatchObject({ restocked: 7, available: 13 });
    expect(await ledger.restock('apple', 'phone', 7, 'presale-1')).toBe(false);
    expect(await stock('phone')).toMatchObject({ restocked: 7, available: 13 });
  });

  it('is applied once when many servers apply it at once', async () => {
    const connections = Array.from({ length: 4 }, () => connect({ autoPipelining: true }));
    try {
      const all = connections.map((c) => new RedisHotLedger(c, prefix));
      const applies = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? all[i % all.length]!.restock('haier', 'tv', 5, 'presale-1')
            : all[i % all.length]!.restock('apple', 'phone', 7, 'presale-1'),
        ),
      );
      expect(applies.filter((a, i) => a && i % 2 === 0)).toHaveLength(1);
      expect(applies.filter((a, i) => a && i % 2 === 1)).toHaveLength(1);
      expect(await stock('tv')).toMatchObject({ restocked: 5, available: 7 });
      expect(await stock('phone')).toMatchObject({ restocked: 7, available: 13 });
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });

  it('keeps the identity with reserves and sales around it', async () => {
    const r = {
      orderId: 'o1',
      storeId: 'haier',
      buyerId: 'b1',
      lines: [{ sku: 'tv', qty: 2 }],
      takes: [],
      at: 1,
    };
    await ledger.reserve(r);
    await ledger.commit('haier', 'o1');
    expect(await ledger.reserve({ ...r, orderId: 'o2', lines: [{ sku: 'tv', qty: 1 }] })).toMatchObject({
      code: 'OUT_OF_STOCK',
    });
    expect(await ledger.restock('haier', 'tv', 3, 'presale-1')).toBe(true);
    expect(await ledger.reserve({ ...r, orderId: 'o2', lines: [{ sku: 'tv', qty: 3 }] })).toEqual({
      ok: true,
    });
    expect(await stock('tv')).toEqual({ initial: 2, restocked: 3, available: 0, reserved: 3, sold: 2 });
  });
});
