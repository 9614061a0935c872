// Requests the API must refuse: each answers problem+json with its status and code, and changes
// nothing (stock counters, the buyer's orders, the rows in the database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/domain/limits.ts';
import { type CallOptions, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
/** u1: one pending TV order and one paid cup order; u2: one pending mug order. */
const orders = { pending: '', paid: '', others: '' };

beforeAll(async () => {
  api = await startApi();
  const place = async (buyer: string, sku: string) => {
    const res = await api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku, qty: 1 }] } });
    expect(res.status).toBe(201);
    return res.body.orders[0].id as string;
  };
  orders.pending = await place('u1', 'tv');
  orders.paid = await place('u1', 'cup');
  orders.others = await place('u2', 'mug');
  expect((await api.call('POST', `/api/orders/${orders.paid}/pay`, { buyer: 'u1' })).status).toBe(200);
});

afterAll(async () => {
  await api?.close();
});

interface Case {
  name: string;
  method?: string;
  path: () => string;
  options: CallOptions;
  status: number;
  code: string;
  at?: string;
}

const line = (qty: unknown) => ({ lines: [{ sku: 'tv', qty }] });
const order = (body: unknown, extra: CallOptions = {}): CallOptions => ({
  buyer: 'u1',
  json: body,
  ...extra,
});

const cases: Case[] = [
  {
    name: 'malformed JSON',
    path: () => '/api/orders',
    options: { buyer: 'u1', raw: '{"lines": [' },
    status: 400,
    code: 'MALFORMED_JSON',
  },
  {
    name: 'prototype poisoning',
    path: () => '/api/orders',
    options: { buyer: 'u1', raw: '{"lines":[{"sku":"tv","qty":1}],"__proto__":{"x":1}}' },
    status: 400,
    code: 'MALFORMED_JSON',
  },
  {
    name: 'not JSON at all',
    path: () => '/api/orders',
    options: { buyer: 'u1', raw: 'lines=tv', contentType: 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'unknown SKU',
    path: () => '/api/orders',
    options: order({ lines: [{ sku: 'nope', qty: 1 }] }),
    status: 422,
    code: 'UNKNOWN_SKU',
    at: 'lines[0].sku',
  },
  {
    name: 'qty 0',
    path: () => '/api/orders',
    options: order(line(0)),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].qty',
  },
  {
    name: 'qty −1',
    path: () => '/api/orders',
    options: order(line(-1)),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].qty',
  },
  {
    name: 'qty 1.5',
    path: () => '/api/orders',
    options: order(line(1.5)),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].qty',
  },
  {
    name: 'qty 10^9',
    path: () => '/api/orders',
    options: order(line(1e9)),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].qty',
  },
  {
    name: 'qty as text',
    path: () => '/api/orders',
    options: order(line('1')),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].qty',
  },
  {
    name: 'no lines',
    path: () => '/api/orders',
    options: order({ lines: [] }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines',
  },
  {
    name: `too many lines (${limits.cartLinesMax + 1})`,
    path: () => '/api/orders',
    options: order({
      lines: Array.from({ length: limits.cartLinesMax + 1 }, (_, i) => ({ sku: `sku-${i}`, qty: 1 })),
    }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines',
  },
  {
    name: 'a SKU on two lines',
    path: () => '/api/orders',
    options: order({
      lines: [
        { sku: 'tv', qty: 1 },
        { sku: 'tv', qty: 1 },
      ],
    }),
    status: 400,
    code: 'DUPLICATE_SKU',
    at: 'lines[1].sku',
  },
  {
    name: 'more than is in stock',
    path: () => '/api/orders',
    options: order(line(20)),
    status: 409,
    code: 'OUT_OF_STOCK',
  },
  {
    name: 'tampered unit price',
    path: () => '/api/orders',
    options: order({ lines: [{ sku: 'tv', qty: 1, unitPrice: 1 }] }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'lines[0].unitPrice',
  },
  {
    name: 'tampered payable',
    path: () => '/api/orders',
    options: order({ ...line(1), payable: 1 }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'payable',
  },
  {
    name: 'unknown coupon',
    path: () => '/api/orders',
    options: order({ ...line(1), wallet: ['c-nope'] }),
    status: 422,
    code: 'COUPON_NOT_IN_WALLET',
    at: 'wallet[0]',
  },
  {
    name: 'bad red envelope balance',
    path: () => '/api/orders',
    options: order({ ...line(1), wallet: [{ id: 'w', couponId: 'r-sorry', balance: 1.234 }] }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'wallet[0].balance',
  },
  {
    name: 'expectedPayable as text',
    path: () => '/api/orders',
    options: order({ ...line(1), expectedPayable: '359910' }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'expectedPayable',
  },
  {
    name: 'missing buyer header',
    path: () => '/api/orders',
    options: { json: line(1) },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'blank buyer header',
    path: () => '/api/orders',
    options: { json: line(1), headers: { 'x-buyer-id': '  ' } },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'Idempotency-Key too long',
    path: () => '/api/orders',
    options: order(line(1), {
      headers: { 'idempotency-key': 'k'.repeat(limits.idempotencyKeyLengthMax + 1) },
    }),
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'headers.idempotency-key',
  },
  {
    name: "paying someone else's order",
    path: () => `/api/orders/${orders.others}/pay`,
    options: { buyer: 'u1' },
    status: 403,
    code: 'NOT_YOUR_ORDER',
  },
  {
    name: "cancelling someone else's order",
    path: () => `/api/orders/${orders.others}/cancel`,
    options: { buyer: 'u1' },
    status: 403,
    code: 'NOT_YOUR_ORDER',
  },
  {
    name: 'paying twice',
    path: () => `/api/orders/${orders.paid}/pay`,
    options: { buyer: 'u1' },
    status: 409,
    code: 'ORDER_ALREADY_PAID',
  },
  {
    name: 'cancelling a paid order',
    path: () => `/api/orders/${orders.paid}/cancel`,
    options: { buyer: 'u1' },
    status: 409,
    code: 'ORDER_ALREADY_PAID',
  },
  {
    name: 'paying an unknown order',
    path: () => '/api/orders/o-nope/pay',
    options: { buyer: 'u1' },
    status: 404,
    code: 'ORDER_NOT_FOUND',
  },
  {
    name: 'paying without signing in',
    path: () => `/api/orders/${orders.pending}/pay`,
    options: {},
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a pay body with a price',
    path: () => `/api/orders/${orders.pending}/pay`,
    options: { buyer: 'u1', json: { amount: 1 } },
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'amount',
  },
  {
    name: 'paying through a channel the sale does not have',
    path: () => `/api/orders/${orders.pending}/pay`,
    options: { buyer: 'u1', json: { channel: 'paypal' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'channel',
  },
  {
    name: 'a callback missing its reference',
    path: () => '/api/payments/callback',
    options: { json: { orderId: 'x', channel: 'alipay' } },
    status: 400,
    code: 'VALIDATION_FAILED',
    at: 'channelRef',
  },
];

describe('bad input changes nothing', () => {
  it.each(cases)('$name → $status $code', async (c) => {
    const before = await api.snapshot('u1');
    const res = await api.call(c.method ?? 'POST', c.path(), c.options);
    expect(res.status).toBe(c.status);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: c.status,
      code: c.code,
      type: expect.any(String),
      title: expect.any(String),
      titleZh: expect.any(String),
    });
    if (c.at !== undefined) expect(res.body.path).toBe(c.at);
    expect(await api.snapshot('u1')).toEqual(before);
  });

  it('leaves the two orders of u1 as they were placed and paid', async () => {
    const mine = await api.call('GET', '/api/orders', { buyer: 'u1' });
    expect(mine.body.items.map((o: { status: string }) => o.status).sort()).toEqual([
      'paid',
      'pending_payment',
    ]);
    expect(await api.stock('tv')).toMatchObject({ available: 19, reserved: 1, sold: 0 });
  });
});
