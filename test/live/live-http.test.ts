// The live cockpit's back end over real HTTP and SQLite: operators sign in, the board follows the
// orders placed and paid through the shopper API (via the event tail), the SSE stream pushes it
// and catches a reconnecting client up, /metrics exposes the counters, and a restarted server
// rebuilds the board from the log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.ts';
import { type LiveApi, OPERATORS, SseReader, startLive } from './live-harness.ts';

const [BOSS, SCREEN] = OPERATORS as [(typeof OPERATORS)[0], (typeof OPERATORS)[1]];
const TV_PRICE = 359_910; // 399 900 at 10% off
const dir = mkdtempSync(join(tmpdir(), 'dacu-live-'));

let apis: LiveApi[] = [];
let streams: SseReader[] = [];
afterEach(async () => {
  for (const s of streams) s.close();
  for (const api of apis) await api.close();
  apis = [];
  streams = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function live(options: Parameters<typeof startLive>[0] = {}): Promise<LiveApi> {
  const api = await startLive(options);
  apis.push(api);
  return api;
}

async function stream(api: LiveApi, cookie: string, headers: Record<string, string> = {}, query = '') {
  const reader = await SseReader.open(`${api.url}/api/live/stream${query}`, { cookie, ...headers });
  streams.push(reader);
  return reader;
}

describe('operators sign in', () => {
  it('with the right password gets an HttpOnly session cookie; a wrong one 401', async () => {
    const api = await live();
    const ok = await api.call('POST', '/api/auth/login', {
      json: { username: BOSS.username, password: BOSS.password },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ username: 'boss', role: 'admin' });
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^dacu_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const cookie = setCookie.split(';')[0]!;
    expect((await api.call('GET', '/api/auth/me', { cookie })).body).toEqual({
      username: 'boss',
      role: 'admin',
    });

    for (const [username, password] of [
      [BOSS.username, 'wrong'],
      ['nobody', BOSS.password],
    ]) {
      const bad = await api.call('POST', '/api/auth/login', { json: { username, password } });
      expect(bad.status).toBe(401);
      expect(bad.contentType).toMatch(/^application\/problem\+json/);
      expect(bad.body).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
      expect(bad.headers.get('set-cookie')).toBeNull();
    }
    const extra = await api.call('POST', '/api/auth/login', {
      json: { username: BOSS.username, password: BOSS.password, role: 'admin' },
    });
    expect(extra.body).toMatchObject({ code: 'VALIDATION_FAILED', path: 'role' });

    const out = await api.call('POST', '/api/auth/logout', { cookie, json: {} });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^dacu_session=; .*Max-Age=0/);
    const me = await api.call('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an eleventh attempt in a minute for one username with 429, even with the right password', async () => {
    const api = await live();
    for (let i = 0; i < 10; i++) {
      const res = await api.call('POST', '/api/auth/login', {
        json: { username: 'screen', password: `x${i}` },
      });
      expect(res.status).toBe(401);
    }
    const limited = await api.call('POST', '/api/auth/login', {
      json: { username: SCREEN.username, password: SCREEN.password },
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another username is not held up.
    const other = await api.call('POST', '/api/auth/login', {
      json: { username: BOSS.username, password: BOSS.password },
    });
    expect(other.status).toBe(200);
  });

  it('behind a proxy (--trust-proxy 1), locks out the address that guesses, not the operator', async () => {
    const api = await live({ trustProxy: '1' });
    const from = (address: string, password: string) =>
      api.call('POST', '/api/auth/login', {
        json: { username: SCREEN.username, password },
        headers: { 'x-forwarded-for': address },
      });
    for (let i = 0; i < 10; i++) expect((await from('203.0.113.66', `x${i}`)).status).toBe(401);
    expect((await from('203.0.113.66', SCREEN.password)).body).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await from('198.51.100.7', SCREEN.password)).status).toBe(200);
  });

  it('refuses a --trust-proxy that is neither a count nor addresses', async () => {
    for (const bad of ['0', 'yes', '', 'proxy.local'])
      await expect(live({ trustProxy: bad })).rejects.toThrow(/--trust-proxy must be the number of proxies/);
  });

  it('with no accounts configured, makes an admin with a random password; DACU_OPERATORS also works', async () => {
    const generated = await live({ operators: undefined, operatorsEnv: '' });
    const account = generated.server.generatedOperator!;
    expect(account.username).toBe('admin');
    expect(account.password.length).toBeGreaterThanOrEqual(16);
    await generated.login(account.username, account.password);

    const fromEnv = await live({ operators: undefined, operatorsEnv: 'ops:s3cret:pass:operator' });
    expect(fromEnv.server.generatedOperator).toBeNull();
    await fromEnv.login('ops', 's3cret:pass');
  });

  it('reads --operators FILE and refuses a bad account list before serving', async () => {
    const file = join(dir, 'operators.json');
    writeFileSync(file, JSON.stringify([{ username: 'lead', password: 'from-file', role: 'operator' }]));
    const fromFile = await live({ operators: file, operatorsEnv: 'ignored:x:admin' });
    expect(await fromFile.login('lead', 'from-file')).toMatch(/^dacu_session=/);

    writeFileSync(file, JSON.stringify([{ username: 'lead', password: 'x', role: 'root' }]));
    await expect(live({ operators: file })).rejects.toThrow(CliError);
    await expect(live({ operators: file })).rejects.toThrow(
      /--operators .*operators\.json\[0\]: role must be/,
    );
    await expect(live({ operators: undefined, operatorsEnv: 'nope' })).rejects.toThrow(
      /DACU_OPERATORS entry 1: expected name:password:role/,
    );
  });
});

describe('the live routes', () => {
  it('need a signed-in operator; the shopper routes never do', async () => {
    const api = await live();
    for (const path of ['/api/live/snapshot', '/api/live/stream', '/api/admin/campaign']) {
      const res = await api.call('GET', path);
      expect(res.status, path).toBe(401);
      expect(res.body, path).toMatchObject({ code: 'UNAUTHENTICATED' });
      const forged = await api.call('GET', path, { cookie: 'dacu_session=forged' });
      expect(forged.status, path).toBe(401);
    }
    const cookie = await api.login(SCREEN.username, SCREEN.password);
    expect((await api.call('GET', '/api/live/snapshot', { cookie })).status).toBe(200);
    expect((await api.call('GET', '/api/admin/campaign', { cookie })).status).toBe(200);
    expect((await api.call('GET', '/api/catalog')).status).toBe(200);
    // The shopper API says nothing of the cost of goods.
    expect((await api.call('GET', '/api/catalog')).text).not.toContain('cost');
  });

  it('show the orders placed and paid through the shopper API', async () => {
    const api = await live();
    const cookie = await api.login(BOSS.username, BOSS.password);
    const before = (await api.call('GET', '/api/live/snapshot', { cookie })).body;
    expect(before).toMatchObject({
      seq: 0,
      at: '2026-11-11T20:05:00+08:00',
      gmv: { paid: 0, placed: 0, target: 10_000_000, currentPhase: 'peak' },
      orders: { placed: 0, paid: 0 },
    });
    // 10M × (20% + 80% × the 75% the peak's pace has due by now) = 8M expected by now.
    expect(before.gmv.expectedByNow).toBe(8_000_000);
    expect(before.series).toHaveLength(60);

    await api.call('GET', '/api/catalog', { buyer: 'u3' }); // looks and leaves
    await api.call('GET', '/api/catalog'); // a guest: nobody the funnel can count
    await api.call('POST', '/api/quote', { json: { buyer: { id: 'u4' }, lines: [{ sku: 'tv', qty: 1 }] } });
    await api.call('POST', '/api/quote', { json: { lines: [{ sku: 'tv', qty: 1 }] } }); // a guest again
    const tv = await api.buy('u1', [{ sku: 'tv', qty: 1 }]);
    expect(tv.payable).toBe(TV_PRICE);
    const unpaid = await api.call('POST', '/api/orders', {
      buyer: 'u2',
      json: { lines: [{ sku: 'mug', qty: 1 }] },
    });
    expect(unpaid.status).toBe(201);

    let snap = before;
    await expect
      .poll(async () => {
        snap = (await api.call('GET', '/api/live/snapshot', { cookie })).body;
        return snap.orders.placed;
      })
      .toBe(2);
    expect(snap.gmv).toMatchObject({ paid: TV_PRICE, placed: TV_PRICE + 2_500 });
    expect(snap.orders).toMatchObject({ placed: 2, paid: 1, cancelled: 0, expired: 0, perSecond: 0.2 });
    expect(snap.paymentRate).toBe(0.5);
    expect(snap.averageOrderValue).toBe(TV_PRICE);
    // In shoppers: u1 and u2 placed orders without a visit or a quote of their own, u1 paid.
    expect(snap.funnel).toEqual({ visited: 4, priced: 3, ordered: 2, paid: 1 });
    expect(snap.topSkus).toEqual([{ sku: 'tv', title: '55寸电视', units: 1, gmv: TV_PRICE }]);
    expect(snap.topCategories[0]).toEqual({
      category: 'appliances',
      gmv: TV_PRICE,
      sharePercent: 100,
      targetSharePercent: 70,
    });
    expect(snap.channels.find((c: { name: string }) => c.name === 'alipay')).toMatchObject({
      succeeded: 1,
      successRate: 1,
    });
    expect(snap.unpaid).toEqual({
      count: 1,
      amount: 2_500,
      nextDeadlines: [
        { orderId: unpaid.body.orders[0].id, deadlineAt: '2026-11-11T20:35:00+08:00', payable: 2_500 },
      ],
    });
    expect(snap.seq).toBeGreaterThan(0);
  });

  it('serve the campaign to the operators’ pages, with what each flash session has left', async () => {
    const api = await live();
    const cookie = await api.login(SCREEN.username, SCREEN.password);
    await api.buy('u1', [{ sku: 'cup', qty: 2 }]);
    const res = await api.call('GET', '/api/admin/campaign', { cookie });
    expect(res.status).toBe(200);
    const body = res.body;
    // The plan the board paces against: targets, phases with their shares, targets and paces.
    expect(body.campaign).toMatchObject({
      id: 'test',
      name: 'test',
      timezone: 'Asia/Shanghai',
      targetGmv: 10_000_000,
      targetOrders: 100,
    });
    expect(body.campaign.phases).toEqual([
      {
        id: 'warm',
        name: '预热期',
        start: '2026-11-11T18:05:00+08:00',
        end: '2026-11-11T19:05:00+08:00',
        gmvSharePercent: 20,
        targetGmv: 2_000_000,
        pace: [],
      },
      {
        id: 'peak',
        name: '高潮期',
        start: '2026-11-11T19:05:00+08:00',
        end: '2026-11-11T21:05:00+08:00',
        gmvSharePercent: 80,
        targetGmv: 8_000_000,
        pace: [{ at: '2026-11-11T20:05:00+08:00', percent: 75 }],
      },
    ]);
    expect(body.stores).toEqual([
      { id: 's1', name: 's1' },
      { id: 's2', name: 's2' },
    ]);
    expect(body.catalog[0]).toEqual({
      sku: 'tv',
      title: '55寸电视',
      storeId: 's1',
      category: 'appliances',
      role: 'hero',
      listPrice: 399_900,
      cost: 199_950,
      stock: 20,
    });
    expect(body.promotions[0]).toMatchObject({
      id: 'p-ltd',
      kind: 'limited-time',
      skus: ['tv'],
      percentOff: 10,
      budget: null,
      start: '2026-11-11T19:05:00+08:00',
      end: '2026-11-11T21:05:00+08:00',
    });
    expect(body.coupons.find((c: { id: string }) => c.id === 'c-s1-100')).toMatchObject({
      kind: 'store',
      threshold: 100_000,
      amount: 10_000,
    });
    await expect
      .poll(async () => (await api.call('GET', '/api/admin/campaign', { cookie })).body.flashSessions)
      .toEqual([
        {
          id: 'fs-cup',
          sku: 'cup',
          title: 'cup',
          price: 500,
          quantity: 10,
          remaining: 8,
          perBuyer: 5,
          start: '2026-11-11T19:05:00+08:00',
          end: '2026-11-11T21:05:00+08:00',
        },
      ]);
  });
});

describe('the live stream (SSE)', () => {
  it('pushes a new snapshot when an order is paid, and catches a reconnecting client up at once', async () => {
    const api = await live();
    const cookie = await api.login(SCREEN.username, SCREEN.password);
    const first = await stream(api, cookie);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const opening = await first.next();
    expect(opening).toMatchObject({ event: 'snapshot', id: '0' });
    expect(JSON.parse(opening!.data)).toMatchObject({ seq: 0, gmv: { paid: 0 } });

    await api.buy('u1', [{ sku: 'tv', qty: 1 }]);
    const pushed = await first.until((s) => s.gmv.paid === TV_PRICE);
    expect(pushed.event).toBe('snapshot');
    expect(Number(pushed.id)).toBe(pushed.json.seq);
    expect(pushed.json.orders).toMatchObject({ placed: 1, paid: 1 });
    // The stream carries exactly what the snapshot route answers.
    const snapshot = (await api.call('GET', '/api/live/snapshot', { cookie })).body;
    expect(pushed.json).toEqual(snapshot);
    first.close();

    // Meanwhile another order is paid; a client coming back with Last-Event-ID sees it at once.
    await api.buy('u2', [{ sku: 'mug', qty: 1 }]);
    await expect
      .poll(async () => (await api.call('GET', '/api/live/snapshot', { cookie })).body.orders.paid)
      .toBe(2);
    for (const [headers, query] of [
      [{ 'last-event-id': pushed.id! }, ''],
      [{}, `?lastEventId=${pushed.id}`],
    ] as const) {
      const again = await stream(api, cookie, headers, query);
      const started = Date.now();
      const caughtUp = await again.next(1_000);
      expect(Date.now() - started).toBeLessThan(1_000);
      const json = JSON.parse(caughtUp!.data);
      expect(json.orders.paid).toBe(2);
      expect(json.gmv.paid).toBe(TV_PRICE + 2_500);
      expect(Number(caughtUp!.id)).toBeGreaterThan(Number(pushed.id));
      again.close();
    }
  });

  it('sends heartbeat comments and ends every stream when the server stops', async () => {
    const api = await live({ live: { pollMs: 10, pushMs: 25, heartbeatMs: 30, refreshMs: 60_000 } });
    const cookie = await api.login(BOSS.username, BOSS.password);
    const reader = await stream(api, cookie);
    await reader.next();
    expect(await reader.comment()).toBe(': heartbeat');
    apis = apis.filter((a) => a !== api);
    const closing = api.close();
    expect(await reader.next(2_000)).toBeNull();
    await closing;
  });
});

describe('/metrics', () => {
  it('exposes request, order, GMV, stock, lag, tail, funnel and group commit metrics without a session', async () => {
    const api = await live();
    await api.call('GET', '/api/catalog');
    await api.buy('u1', [{ sku: 'tv', qty: 1 }]);
    const cookie = await api.login(BOSS.username, BOSS.password);
    await expect
      .poll(async () => (await api.call('GET', '/api/live/snapshot', { cookie })).body.orders.paid)
      .toBe(1);
    const res = await api.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('dacu_http_requests_total{method="GET",route="/api/catalog",status="200"} 1');
    expect(text).toContain('dacu_http_requests_total{method="POST",route="/api/orders",status="201"} 1');
    expect(text).toMatch(
      /dacu_http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/api\/catalog"\}/,
    );
    expect(text).toContain('dacu_orders_total{event="placed"} 1');
    expect(text).toContain('dacu_orders_total{event="paid"} 1');
    expect(text).toContain('dacu_orders_total{event="cancelled"} 0');
    expect(text).toContain(`dacu_gmv_paid_fen ${TV_PRICE}`);
    expect(text).toContain('dacu_stock_alerts{state="sold_out"} 0');
    expect(text).toMatch(/dacu_stock_alerts\{state="low"\} \d+/);
    expect(text).toContain('dacu_event_lag_seconds 0');
    expect(text).toContain('dacu_event_seqs_given_up_total 0');
    expect(text).toContain('dacu_funnel_reaches_dropped_total 0');
    // What every server of a shared sale reports alike says how to aggregate it.
    expect(text).toMatch(
      /# HELP dacu_orders_total Sale-wide \(the same on every server: aggregate with max, not sum\)/,
    );
    expect(text).toMatch(/dacu_group_commit_batches_total [1-9]\d*/);
    expect(text).toContain('process_cpu_user_seconds_total');
    // Scraped twice, the counters do not double.
    expect((await api.call('GET', '/metrics')).text).toContain('dacu_orders_total{event="paid"} 1');
  });
});

describe('a restart', () => {
  it('rebuilds the same board from the event log', async () => {
    const db = join(dir, 'restart.db');
    const first = await live({ db });
    const cookie1 = await first.login(BOSS.username, BOSS.password);
    await first.buy('u1', [{ sku: 'tv', qty: 1 }]);
    await first.buy('u2', [{ sku: 'cup', qty: 3 }]);
    await first.call('POST', '/api/orders', { buyer: 'u3', json: { lines: [{ sku: 'hot', qty: 2 }] } });
    await expect
      .poll(
        async () => (await first.call('GET', '/api/live/snapshot', { cookie: cookie1 })).body.orders.placed,
      )
      .toBe(3);
    const before = (await first.call('GET', '/api/live/snapshot', { cookie: cookie1 })).body;
    await first.close();
    apis = apis.filter((a) => a !== first);

    const second = await live({ db });
    const cookie2 = await second.login(BOSS.username, BOSS.password);
    await expect
      .poll(async () => (await second.call('GET', '/api/live/snapshot', { cookie: cookie2 })).body.seq)
      .toBe(before.seq);
    const after = (await second.call('GET', '/api/live/snapshot', { cookie: cookie2 })).body;
    expect(after).toEqual(before);
  });
});
