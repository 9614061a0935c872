// Rate limits on shoppers' writes (风控, issue: beyond one machine): past its limit a buyer gets
// 429 RATE_LIMITED with Retry-After and nothing changes; other buyers and reads go on; the window
// passes. On the shared backend the count lives in Redis, so every server counts the same buyer.
import { afterEach, describe, expect, it } from 'vitest';
import { buyerLimitsFrom } from '../../src/cli/commands/serve.ts';
import { AT, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

describe('buyer write limits', () => {
  it('refuses a buyer past the limit with 429 and Retry-After, changing nothing, until the window passes', async () => {
    let now = AT;
    api = await startApi({ buyerLimits: { writes: 3, windowMs: 1_000 }, now: () => now });
    const order = (buyer: string) =>
      api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'cup', qty: 1 }] } });
    for (let i = 0; i < 3; i++) expect((await order('bot')).status).toBe(201);
    const before = await api.snapshot('bot');
    const refused = await order('bot');
    expect(refused.status).toBe(429);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.body.retryAfterSeconds)).toBe(1);
    expect(await api.snapshot('bot')).toEqual(before);
    // Paying or cancelling counts too; reading does not; another buyer is not slowed down.
    const mine = before.myOrders.items[0].id;
    expect((await api.call('POST', `/api/orders/${mine}/cancel`, { buyer: 'bot', json: {} })).status).toBe(
      429,
    );
    expect((await api.call('GET', '/api/orders', { buyer: 'bot' })).status).toBe(200);
    expect((await order('person')).status).toBe(201);
    // The window passes (the engine's clock in one process, Redis's own on the shared backend).
    now += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await order('bot')).status).toBe(201);
  });
});

describe('--buyer-limit', () => {
  it('reads WRITES/SECONDSs or off, and says what it wants otherwise', () => {
    expect(buyerLimitsFrom(undefined)).toEqual({ writes: 20, windowMs: 10_000 });
    expect(buyerLimitsFrom('5/2s')).toEqual({ writes: 5, windowMs: 2_000 });
    expect(buyerLimitsFrom('off')).toBeNull();
    for (const bad of ['5', '0/1s', '5/0s', '5/1m', 'lots'])
      expect(() => buyerLimitsFrom(bad)).toThrow(
        /--buyer-limit must be WRITES\/SECONDSs \(e\.g\. 20\/10s\) or off/,
      );
  });
});
