// The edges of HTTP: one error shape for everything (problem+json with a stable code), and an
// OpenAPI document that describes every route.
import { afterEach, describe, expect, it } from 'vitest';
import { codeTitle, hasTitles, pointerToPath } from '../../src/api/problem.ts';
import { PROBLEM_STATUS, type ProblemCode } from '../../src/services/problem.ts';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

const cart = { lines: [{ sku: 'cup', qty: 1 }] };

describe('errors are problem+json', () => {
  it.each([
    ['malformed JSON', 400, 'MALFORMED_JSON', { raw: '{"lines":' }],
    ['a body that is not an object', 400, 'VALIDATION_FAILED', { json: [1, 2] }],
    [
      'a form instead of JSON',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      { raw: 'lines=cup', contentType: 'application/x-www-form-urlencoded' },
    ],
    ['plain text', 415, 'UNSUPPORTED_MEDIA_TYPE', { raw: JSON.stringify(cart), contentType: 'text/plain' }],
    [
      'a body over 256 KiB',
      413,
      'PAYLOAD_TOO_LARGE',
      { raw: JSON.stringify({ lines: [], pad: 'x'.repeat(300 * 1024) }) },
    ],
    ['an empty body', 400, 'VALIDATION_FAILED', { raw: '' }],
  ] as const)('%s → %d %s', async (_name, status, code, options) => {
    api = await startApi();
    const res = await api.call('POST', '/api/quote', options);
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, title: codeTitle(code).en, titleZh: codeTitle(code).zh });
  });

  it('answers JSON with a charset too', async () => {
    api = await startApi();
    const res = await api.call('POST', '/api/quote', {
      json: cart,
      contentType: 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(200);
  });

  it('answers an unknown route and an unknown method with 404 NOT_FOUND', async () => {
    api = await startApi();
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['DELETE', '/api/orders'],
      ['GET', '/nope'], // / itself is the cockpit
    ]) {
      const res = await api.call(method!, path!);
      expect(res.status).toBe(404);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'NOT_FOUND',
        title: 'Not found',
        titleZh: '资源不存在',
        type: 'urn:dacu:problem:not-found',
      });
    }
  });

  it('says it is ready when every store it needs answers', async () => {
    api = await startApi();
    const res = await api.call('GET', '/health/ready');
    expect(res.status).toBe(200);
    const expected = api.hot ? { database: true, redis: true, redisCounters: true } : { database: true };
    expect(res.body).toEqual({
      ready: true,
      checks: expected,
      campaign: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
  });

  it('answers a URL that does not decode (%zz) with 400 BAD_REQUEST as problem+json', async () => {
    api = await startApi();
    const res = await api.call('GET', '/api/orders/%zz', { buyer: 'u1' });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', type: 'urn:dacu:problem:bad-request' });
  });

  it('answers anything unexpected with 500 INTERNAL and says nothing about the inside', async () => {
    api = await startApi({
      beforeListen: (app) => {
        app.get('/boom', async () => {
          throw new Error('database password is hunter2');
        });
      },
    });
    const res = await api.call('GET', '/boom');
    expect(res.status).toBe(500);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('stack');
  });

  it('gives every problem code an English and a Chinese title', () => {
    for (const code of Object.keys(PROBLEM_STATUS) as ProblemCode[]) expect(hasTitles(code), code).toBe(true);
  });

  it.each([
    ['/lines/0/qty', 'lines[0].qty'],
    ['/wallet/3/balance', 'wallet[3].balance'],
    ['/buyer/memberships/1', 'buyer.memberships[1]'],
    ['', ''],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ])('Ajv path %s reads as %s', (pointer, path) => {
    expect(pointerToPath(pointer)).toBe(path);
  });
});

describe('OpenAPI', () => {
  it('documents every route with tags, a zh-CN + English summary and its responses', async () => {
    api = await startApi();
    const res = await api.call('GET', '/docs/json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    const routes: string[] = [];
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        routes.push(`${method.toUpperCase()} ${path}`);
        expect(operation.tags, `${method} ${path}`).toEqual([expect.any(String)]);
        expect(operation.summary, `${method} ${path}`).toMatch(/[\u4e00-\u9fff].*[A-Za-z]/);
        const codes = Object.keys(operation.responses as object);
        expect(
          codes.some((c) => /^2\d\d$/.test(c)),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
    expect(routes.sort()).toEqual(
      [
        'GET /health',
        'GET /health/ready',
        'GET /api/catalog',
        'POST /api/quote',
        'POST /api/orders',
        'GET /api/orders',
        'GET /api/orders/{id}',
        'POST /api/orders/{id}/pay',
        'POST /api/orders/{id}/cancel',
        'POST /api/payments/callback',
        'GET /api/payment-methods',
        'GET /api/wallet',
        'GET /api/coupons',
        'POST /api/coupons/{id}/claim',
        'POST /api/wallet/{id}/inflate',
        'POST /api/auth/login',
        'POST /api/auth/logout',
        'GET /api/auth/me',
        'GET /api/live/snapshot',
        'GET /api/live/stream',
        'GET /api/admin/campaign',
        'GET /metrics',
        'POST /api/admin/skus/{sku}/sold-out-action',
        'POST /api/admin/skus/{sku}/restock',
      ].sort(),
    );
    const placeOrder = doc.paths['/api/orders'].post;
    expect(placeOrder.responses['4XX'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(placeOrder.security).toEqual([{ buyerId: [] }]);
    expect(doc.components.securitySchemes.buyerId).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-buyer-id',
    });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Quote', 'Order', 'PlacedCheckout', 'PaidOrder']),
    );
  });

  it('serves the Swagger UI at /docs', async () => {
    api = await startApi();
    const res = await api.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/html/);
  });
});
