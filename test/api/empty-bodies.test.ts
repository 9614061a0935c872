// Writes that take no body (claim a coupon, do an inflation task) refuse one that says something
// (a price, an array) with 400 VALIDATION_FAILED, as cancelling an order does, instead of ignoring
// it; no body, an empty one or {} still work.
import { afterEach, describe, expect, it } from 'vitest';
import { coupon } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { CouponTemplate } from '../../src/domain/campaign.ts';
import { AT, type CallOptions, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

function inflating(): CouponTemplate {
  const envelope = coupon.redEnvelope('r-boom', 500);
  if (envelope.kind !== 'red-envelope') throw new Error('not a red envelope');
  const day = { startMs: AT + 3_600_000, endMs: AT + 90_000_000 };
  return { ...envelope, perBuyer: 5, inflate: { perTaskFen: 300, maxTasks: 5, dayMultiplier: 2, day } };
}

const start = () => startApi({ coupons: [inflating()] });
const claim = (options: CallOptions = {}) =>
  api.call('POST', '/api/coupons/r-boom/claim', { buyer: 'u1', ...options });
const myWallet = async () => (await api.call('GET', '/api/wallet', { buyer: 'u1' })).body.items;

function expectRefused(res: Awaited<ReturnType<typeof claim>>) {
  expect(res.status).toBe(400);
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
}

describe('POST /api/coupons/:id/claim takes no body', () => {
  it.each([
    ['a price', { price: 0 }, 'price'],
    ['an array', [1], undefined],
  ] as const)('refuses %s with 400 VALIDATION_FAILED and claims nothing', async (_name, json, path) => {
    api = await start();
    const res = await claim({ json, headers: { 'idempotency-key': 'k-1' } });
    expectRefused(res);
    expect(res.body.path).toBe(path);
    expect(await myWallet()).toEqual([]);
    expect(await api.countRows('wallet')).toBe(0);
  });

  it('claims with no body, an empty body and {}', async () => {
    api = await start();
    const claims = [await claim(), await claim({ raw: '' }), await claim({ json: {} })];
    for (const res of claims) {
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ couponId: 'r-boom', balanceFen: 500, status: 'available' });
    }
    expect(await myWallet()).toHaveLength(3);
  });

  it('answers a retry without a body and with the same Idempotency-Key as the first time', async () => {
    api = await start();
    const headers = { 'idempotency-key': 'k-claim' };
    const first = await claim({ headers });
    const again = await claim({ headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await myWallet()).toHaveLength(1);
  });
});

describe('POST /api/wallet/:id/inflate takes no body', () => {
  it('refuses a body that says something with 400 VALIDATION_FAILED and leaves the envelope as it was', async () => {
    api = await start();
    const claimed = await claim();
    const inflate = (options: CallOptions = {}) =>
      api.call('POST', `/api/wallet/${claimed.body.id}/inflate`, { buyer: 'u1', ...options });

    for (const json of [{ tasks: 5 }, { balanceFen: 100_000 }, [1]]) expectRefused(await inflate({ json }));
    expect(await myWallet()).toEqual([expect.objectContaining({ balanceFen: 500 })]);

    // The first task the envelope counts is the next one.
    expect((await inflate()).body).toMatchObject({ balanceFen: 800, tasksDone: 1 });
    expect((await inflate({ raw: '' })).body).toMatchObject({ balanceFen: 1_100, tasksDone: 2 });
    expect((await inflate({ json: {} })).body).toMatchObject({ balanceFen: 1_400, tasksDone: 3 });
  });
});
