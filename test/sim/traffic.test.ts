// The shape of the simulated 11.11 and the determinism of everything drawn from the seed.

import { describe, expect, it } from 'vitest';
import { loopbackUrl, NotLoopback } from '../../src/sim/http-client.ts';
import { LatencyHistogram } from '../../src/sim/latency.ts';
import { mulberry32, Random, seedFor } from '../../src/sim/random.ts';
import { MIX, planShopper, type ShopItem, shopperWorld } from '../../src/sim/shopper.ts';
import { payChannelOf } from '../../src/sim/shopper-calls.ts';
import { SimClock } from '../../src/sim/sim-clock.ts';
import {
  dayIntensity,
  hourlyCounts,
  isBrowseOnly,
  MINUTE_MS,
  minuteCounts,
  orderSessionsIn,
  planArrivals,
  sessionsForOrders,
} from '../../src/sim/traffic.ts';
import { startTypeScriptWorker } from '../../src/support/typescript-worker.ts';

const HOUR_MS = 60 * MINUTE_MS;

describe('the 11.11 traffic curve', () => {
  it('peaks at midnight, at the 10:00 and 20:00 flash sessions and in the evening; the night is quiet', () => {
    const at = (h: number, m = 0) => dayIntensity(h * 60 + m);
    expect(at(0, 5)).toBeGreaterThan(at(20, 5));
    expect(at(20, 5)).toBeGreaterThan(at(10, 5));
    expect(at(10, 0)).toBeGreaterThan(3 * at(9, 59));
    expect(at(20, 0)).toBeGreaterThan(2.5 * at(19, 59));
    for (let h = 2; h < 8; h++) expect(at(h, 30)).toBeLessThan(at(13, 0) / 2);
    for (const h of [20, 21, 22]) expect(at(h, 45)).toBeGreaterThan(at(15, 0));
  });

  it('shares exactly the sessions asked for over the minutes', () => {
    for (const total of [0, 1, 7, 1_439, 1_441, 123_457]) {
      expect(minuteCounts(total).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('keeps a small day in proportion: no empty hour, each hour within a shopper of its share', () => {
    // 1,600 sessions (the README's --orders 2000 less its rush): the quiet night still has shoppers.
    const total = 1_600;
    const counts = minuteCounts(total);
    let sum = 0;
    const curve = Array.from({ length: 1_440 }, (_, m) => dayIntensity(m + 0.5));
    for (const w of curve) sum += w;
    for (let h = 0; h < 24; h++) {
      const got = counts.slice(h * 60, h * 60 + 60).reduce((a, b) => a + b, 0);
      const share = (total * curve.slice(h * 60, h * 60 + 60).reduce((a, b) => a + b, 0)) / sum;
      expect(
        Math.abs(got - share),
        `hour ${h}: ${got} for a share of ${share.toFixed(1)}`,
      ).toBeLessThanOrEqual(1);
      expect(got).toBeGreaterThan(0);
    }
  });

  const day = planArrivals({ sessions: 100_000, seed: 42 });
  const hours = hourlyCounts(day);

  it('puts the busiest hour at midnight, the second at 20:00, and lows between 2:00 and 8:00', () => {
    const ranked = hours.map((n, h) => ({ n, h })).sort((a, b) => b.n - a.n);
    expect(ranked[0]!.h).toBe(0);
    expect(ranked[1]!.h).toBe(20);
    expect(hours[10]).toBeGreaterThan(hours[9]!);
    expect(hours[10]).toBeGreaterThan(hours[11]!);
    const night = Math.max(...hours.slice(2, 8));
    for (const h of [0, 10, 20, 21, 22]) expect(hours[h]).toBeGreaterThan(3 * night);
    for (const h of [3, 4, 5, 6]) expect(hours[h]! * 8).toBeLessThan(hours[21]!);
    for (const h of [20, 21, 22]) expect(hours[h]).toBeGreaterThan(Math.max(...hours.slice(11, 20)));
  });

  it('sends the rush shoppers in at the second each flash session opens', () => {
    const { offsetMs, rush } = day;
    const rushers = [...rush].filter((r) => r >= 0).length;
    expect(rushers).toBe(4_000);
    const opening = [0, 10 * HOUR_MS, 20 * HOUR_MS];
    for (let i = 0; i < offsetMs.length; i++) {
      if (rush[i]! < 0) continue;
      const since = offsetMs[i]! - opening[rush[i]!]!;
      expect(since).toBeGreaterThanOrEqual(0);
      expect(since).toBeLessThanOrEqual(120_000);
    }
    const inWindow = (from: number, ms: number) =>
      [...offsetMs].filter((t) => t >= from && t < from + ms).length;
    expect(inWindow(20 * HOUR_MS, 10_000)).toBeGreaterThan(10 * inWindow(20 * HOUR_MS - 10_000, 10_000));
  });

  it('is sorted, inside the day, and the same for the same seed', () => {
    let sorted = true;
    for (let i = 1; i < day.offsetMs.length; i++) sorted &&= day.offsetMs[i]! >= day.offsetMs[i - 1]!;
    expect(sorted).toBe(true);
    expect(day.offsetMs[0]!).toBeGreaterThanOrEqual(0);
    expect(day.offsetMs.at(-1)!).toBeLessThan(24 * HOUR_MS);
    const again = planArrivals({ sessions: 100_000, seed: 42 });
    const bytes = (a: Float64Array | Int8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(again.offsetMs).equals(bytes(day.offsetMs))).toBe(true);
    expect(bytes(again.rush).equals(bytes(day.rush))).toBe(true);
    const other = planArrivals({ sessions: 100_000, seed: 43 });
    expect(bytes(other.offsetMs).equals(bytes(day.offsetMs))).toBe(false);
  });

  it('plans exactly --orders order-placing sessions, with the fewest sessions', () => {
    for (const orders of [1, 2, 3, 4, 5, 299, 300, 1_000_000]) {
      const n = sessionsForOrders(orders);
      expect(orderSessionsIn(n)).toBe(orders);
      expect(orderSessionsIn(n - 1)).toBeLessThan(orders);
      let counted = 0;
      for (let i = 0; i < Math.min(n, 1000); i++) if (!isBrowseOnly(i)) counted++;
      if (n <= 1000) expect(counted).toBe(orders);
    }
  });
});

const catalog: ShopItem[] = [
  { sku: 'phone', storeId: 's1', role: 'hero', price: 100 },
  { sku: 'tv', storeId: 's1', role: 'hero', price: 279_900 },
  { sku: 'cup', storeId: 's2', role: 'regular', price: 1_000 },
  { sku: 'mug', storeId: 's2', role: 'featured', price: 2_500 },
  { sku: 'pen', storeId: 's3', role: 'regular', price: 300 },
];

describe('shopper plans', () => {
  const world = shopperWorld(
    7,
    catalog,
    [
      { offsetMs: 0, skus: ['phone'], promotionOf: { phone: 'p-flash-phone' } },
      { offsetMs: 36_000_000, skus: [], promotionOf: {} },
    ],
    10_000,
  );
  const plans = (seed: number) => {
    const w = shopperWorld(seed, catalog, world.flash, 10_000);
    return Array.from({ length: 2_000 }, (_, i) =>
      planShopper(w, i, i * 1000, i % 50 === 0 ? (i / 50) % 2 : -1, isBrowseOnly(i)),
    );
  };

  it('name a payment channel as shoppers do: mostly the first of the server’s, always the same per shopper', () => {
    const channels = ['alipay', 'wechat', 'unionpay'];
    const w = shopperWorld(7, catalog, [], 10_000, { payChannels: channels });
    const picks = Array.from({ length: 10_000 }, (_, i) => payChannelOf(w, i));
    const share = (name: string) => picks.filter((c) => c === name).length / picks.length;
    expect(share('alipay')).toBeCloseTo(0.55, 1);
    expect(share('wechat')).toBeCloseTo(0.35, 1);
    expect(share('unionpay')).toBeCloseTo(0.1, 1);
    expect(payChannelOf(w, 42)).toBe(picks[42]);
    // A server that lists no channels: every payment starts at its first.
    expect(payChannelOf(shopperWorld(7, catalog, [], 10_000), 42)).toBeUndefined();
  });

  it('are the same for the same seed and differ for another', () => {
    expect(plans(7)).toEqual(plans(7));
    expect(plans(7)).not.toEqual(plans(8));
  });

  it('mix the behaviours as MIX says', () => {
    const all = plans(7);
    const buyers = all.filter((p) => p.intent === 'buy');
    const share = (kind: string) =>
      buyers.filter((p) => p.steps.some((s) => s.do === kind)).length / buyers.length;
    expect(all.filter((p) => p.intent === 'browse').length).toBe(400);
    expect(share('pay')).toBeCloseTo(0.75, 1);
    expect(share('abandon')).toBeCloseTo(0.1, 1);
    expect(share('quote')).toBeCloseTo(MIX.quoteFirst, 1);
    expect(share('order')).toBe(1);
    for (const p of all) expect(new Set(p.lines.map((l) => l.sku)).size).toBe(p.lines.length);
  });

  it('send rush shoppers straight to the session SKU (hero SKUs when the session names none)', () => {
    const rushers = plans(7).filter((p) => p.intent === 'rush');
    expect(rushers.length).toBeGreaterThan(0);
    for (const p of rushers) {
      expect(p.steps[0]).toEqual({ do: 'rush' });
      expect(p.lines).toHaveLength(1);
      expect(['phone', 'tv']).toContain(p.lines[0]!.sku);
      // The midnight session names its promotion: the shopper names it at checkout.
      if (p.lines[0]!.sku === 'phone' && p.index % 100 === 0) expect(p.flashSession).toBe('p-flash-phone');
      if (p.index % 100 === 50) expect(p.flashSession).toBeUndefined();
    }
    expect(rushers.some((p) => p.flashSession === 'p-flash-phone')).toBe(true);
    expect(world.flash[1]!.skus).toEqual(['phone', 'tv']);
  });
});

describe('the simulated clock', () => {
  it('runs `speed` times the wall, waits at the next arrival, and slows to wall speed when settled', () => {
    let wall = 0;
    const clock = new SimClock(1_000_000, 100, () => wall);
    expect(clock.now()).toBe(1_000_000);
    clock.start();
    clock.holdAt(5_000);
    wall = 10;
    expect(clock.offsetMs()).toBe(1_000);
    wall = 1_000; // far behind: the shopper at 5 s has not been sent yet
    expect(clock.offsetMs()).toBe(5_000);
    clock.holdAt(60_000);
    wall = 1_100;
    expect(clock.offsetMs()).toBe(15_000);
    clock.release();
    wall = 2_000;
    expect(clock.offsetMs()).toBe(105_000);
    clock.settle();
    wall = 2_500;
    expect(clock.offsetMs()).toBe(105_500);
    expect(Number.isInteger(clock.now())).toBe(true);
  });

  it('is one clock for the two threads that hold it: a move by one is seen by the other', () => {
    let wall = 0;
    const server = new SimClock(1_000_000, 100, () => wall);
    // The shoppers' thread attaches to the same shared memory (here with the same fake wall).
    const shoppers = new SimClock(1_000_000, 100, () => wall, server.handle.buffer);
    shoppers.start();
    shoppers.holdAt(2_000);
    wall = 10;
    expect(server.offsetMs()).toBe(1_000);
    wall = 100;
    expect(shoppers.exactOffsetMs()).toBe(2_000); // held at the next arrival, whoever reads it
    expect(server.offsetMs()).toBe(2_000);
    server.settle();
    wall = 200;
    expect(shoppers.offsetMs()).toBe(2_100);
    const attached = SimClock.attach(server.handle, () => wall);
    expect(attached.offsetMs()).toBe(2_100);
    wall = 250;
    expect(attached.offsetMs()).toBe(2_150);
    expect(server.offsetMs()).toBe(2_150);
  });

  it('is one clock across real threads: both move it under its lock, and it never goes back', async () => {
    const clock = new SimClock(1_000_000, 1_000_000);
    clock.start();
    const steps = 200_000;
    const mover = startTypeScriptWorker(new URL('./__fixtures__/clock-mover.ts', import.meta.url), {
      handle: clock.handle,
      steps,
    });
    const report = new Promise<{ backwards: number; last: number }>((resolve, reject) => {
      mover.once('message', resolve);
      mover.once('error', reject);
    });
    // Meanwhile this thread reads it as fast as it can: never backwards, never past the hold.
    let last = 0;
    let backwards = 0;
    let reads = 0;
    let done = false;
    void report.finally(() => {
      done = true;
    });
    while (!done) {
      for (let i = 0; i < 10_000; i++) {
        const offset = clock.exactOffsetMs();
        if (offset < last || offset > steps) backwards += 1;
        last = offset;
        reads += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const theirs = await report;
    await mover.terminate();
    expect(reads).toBeGreaterThan(0);
    expect(backwards).toBe(0);
    expect(theirs.backwards).toBe(0);
    // A day a million times faster than the wall reaches the last hold at once, and stays there.
    expect(clock.exactOffsetMs()).toBe(steps);
  });
});

describe('seeded randomness', () => {
  it('mulberry32 repeats itself per seed and stays in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(seedFor(1, 2, 3)).toBe(seedFor(1, 2, 3));
    expect(seedFor(1, 2, 3)).not.toBe(seedFor(1, 3, 2));
    const r = new Random(5);
    for (let i = 0; i < 1000; i++) expect(r.int(2, 4)).toBeGreaterThanOrEqual(2);
  });
});

describe('loopback only', () => {
  it('accepts this machine', () => {
    for (const url of [
      'http://127.0.0.1:3000',
      'http://127.9.8.7:1',
      'http://localhost:3000',
      'http://[::1]:3000',
    ]) {
      expect(loopbackUrl(url).protocol).toBe('http:');
    }
  });

  it('refuses anything else with a clear message', () => {
    for (const url of [
      'http://10.0.0.1:3000',
      'http://example.com',
      'http://0.0.0.0:3000',
      'http://128.0.0.1',
      'https://127.0.0.1',
      'nonsense',
    ]) {
      expect(() => loopbackUrl(url)).toThrow(NotLoopback);
    }
    expect(() => loopbackUrl('http://192.168.1.10:3000')).toThrow(/only drives a server on this machine/);
  });
});

describe('latency histogram', () => {
  it('gives percentiles within its 2% buckets', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeGreaterThanOrEqual(500);
    expect(s.p50).toBeLessThanOrEqual(500 * 1.03);
    expect(s.p99).toBeGreaterThanOrEqual(990);
    expect(s.p99).toBeLessThanOrEqual(1000);
    expect(s.max).toBe(1000);
  });
});
