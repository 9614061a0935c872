// Starts the real HTTP API over a real store for the API tests (in-memory SQLite, or PostgreSQL
// with DACU_TEST_BACKEND=postgres: see test/support/test-store.ts), and talks to it
// with fetch. The clock is fixed inside the sale, so prices are the same on every run.
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { OperatorAuth, type OperatorSpec } from '../../src/api/auth.ts';
import type { BuyerLimits } from '../../src/api/buyer-limits.ts';
import { SIGNATURE_HEADER, signCallback } from '../../src/api/callback-signature.ts';
import { buildServer } from '../../src/api/server.ts';
import { AT, campaignOf, coupon, item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { CatalogItem, CouponTemplate, Membership, Promotion } from '../../src/domain/campaign.ts';
import type { SkuStock } from '../../src/domain/stock-ledger.ts';
import type { PaymentChannel } from '../../src/services/payments/payment-channel.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import type { TradeConfig } from '../../src/services/trade-context.ts';
import { TradeEngine } from '../../src/services/trade-engine.ts';
import type { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import type { TradeDatabase } from '../../src/store/sql/schema.ts';
import { newTestStore, type TestBackend, type TestStore } from '../support/test-store.ts';

export { AT };

/** What the test servers' payment gateway signs callbacks with. */
export const TEST_CALLBACK_SECRET = 'test-gateway-callback-secret';

/** A payment callback as the gateway sends it: signed. */
export function signedCallback(callback: {
  orderId: string;
  channel: string;
  channelRef: string;
  amount?: number;
}) {
  return {
    json: callback,
    headers: { [SIGNATURE_HEADER]: signCallback(TEST_CALLBACK_SECRET, callback) },
  };
}

/** The test sale: a TV at 10% off (limited time), a cup, a mug to run low, a hot SKU of 37 units. */
export function testCatalog(): CatalogItem[] {
  return [
    item('tv', 's1', 399_900, {
      title: '55寸电视',
      category: 'appliances',
      role: 'hero',
      stock: 20,
      safetyStock: 5,
    }),
    item('cup', 's2', 1_000, { stock: 100 }),
    item('mug', 's2', 2_500, { stock: 50 }),
    item('hot', 's1', 9_900, { stock: 37 }),
  ];
}

export function testPromotions(): Promotion[] {
  // Open for an hour either side of AT.
  return [promo.limitedTime('p-ltd', ['tv'], 10, { startMs: AT - 3_600_000, endMs: AT + 3_600_000 })];
}

export function testCoupons(): CouponTemplate[] {
  return [coupon.store('c-s1-100', 's1', 100_000, 10_000), coupon.redEnvelope('r-sorry', 500)];
}

/** An operator and a viewer for the admin routes' tests (ApiOptions.operators). */
export const OPS_AND_WATCHER: OperatorSpec[] = [
  { username: 'ops', password: 'ops-pass', role: 'operator' },
  { username: 'watcher', password: 'view-pass', role: 'viewer' },
];

export interface ApiOptions {
  catalog?: CatalogItem[];
  promotions?: Promotion[];
  coupons?: CouponTemplate[];
  memberships?: Membership[];
  channels?: PaymentChannel[];
  config?: Partial<TradeConfig>;
  now?: () => number;
  /** Operator accounts for the cockpit and admin routes. */
  operators?: OperatorSpec[];
  /** The store to run on (default: DACU_TEST_BACKEND, else the embedded default). */
  backend?: TestBackend;
  /** The payment gateway's callback secret (default TEST_CALLBACK_SECRET). */
  callbackSecret?: string;
  /** Writes per buyer per window (off unless given). */
  buyerLimits?: BuyerLimits;
  /** Runs before the server listens (e.g. to add a route that throws). */
  beforeListen?: (app: FastifyInstance) => void;
}

export interface Reply {
  status: number;
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  body: any;
  text: string;
  /** name=value of the first Set-Cookie, if any (operator sessions). */
  cookie: string | undefined;
}

export interface CallOptions {
  json?: unknown;
  /** A raw body, sent as is (with `contentType` or application/json). */
  raw?: string;
  contentType?: string;
  buyer?: string;
  headers?: Record<string, string>;
}

// node:http with a keep-alive pool of many sockets: global fetch funnels concurrent requests to one
// origin through few connections, which would hide the server's concurrency from the tests.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function send(url: string, method: string, headers: Record<string, string>, body: string | undefined) {
  return new Promise<{ status: number; contentType: string; text: string; setCookie: string[] }>(
    (resolve, reject) => {
      const req = http.request(url, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
            setCookie: res.headers['set-cookie'] ?? [],
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    },
  );
}

export class TestApi {
  constructor(
    readonly app: FastifyInstance,
    readonly engine: TradeEngine,
    private readonly testStore: TestStore,
    readonly url: string,
  ) {}

  /** PostgreSQL + Redis: stock lives in Redis, not in the database's stock table. */
  get onSharedBackend(): boolean {
    return this.testStore.hot !== null;
  }

  /** The shared backend's Redis hot ledger (null on the embedded default). */
  get hot(): RedisHotLedger | null {
    return this.testStore.hot;
  }

  /** The database behind the API (SQLite or PostgreSQL), for tests that look at what was stored. */
  get db(): Kysely<TradeDatabase> {
    return this.testStore.store.db;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.buyer !== undefined) headers['x-buyer-id'] = options.buyer;
    let body: string | undefined;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (options.raw !== undefined) body = options.raw;
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await send(`${this.url}${path}`, method, headers, body);
    const text = response.text;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return {
      status: response.status,
      contentType: response.contentType,
      cookie: response.setCookie[0]?.split(';')[0],
      body: parsed,
      text,
    };
  }

  /** An operator's session cookie (name=value), signed in over HTTP. */
  async signIn(username: string, password: string): Promise<string> {
    const res = await this.call('POST', '/api/auth/login', { json: { username, password } });
    if (res.status !== 200 || !res.cookie) throw new Error(`sign-in of ${username} answered ${res.status}`);
    return res.cookie;
  }

  /** A SKU's stock counters where the backend keeps them (the engine's ledger, or Redis). */
  async stock(sku: string): Promise<SkuStock> {
    const hot = this.testStore.hot;
    const s = hot ? (await hot.stockOf([sku])).get(sku) : this.engine.ctx.ledger.get(sku);
    if (!s) throw new Error(`no stock for ${sku}`);
    return { ...s };
  }

  async countRows(table: 'orders' | 'events' | 'payments' | 'idempotency' | 'wallet'): Promise<number> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Everything a refused request must leave as it was. */
  async snapshot(buyer: string) {
    return {
      ledger: await Promise.all(
        [...this.engine.ctx.ledger.skus()].map(async ([sku]) => [sku, await this.stock(sku)]),
      ),
      myOrders: (await this.call('GET', '/api/orders?limit=100', { buyer })).body,
      orders: await this.countRows('orders'),
      events: await this.countRows('events'),
      payments: await this.countRows('payments'),
      wallet: await this.countRows('wallet'),
      pending: this.engine.ctx.pending.size,
    };
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.engine.stop();
    await this.testStore.cleanUp();
  }
}

export async function startApi(options: ApiOptions = {}): Promise<TestApi> {
  const index = campaignOf({
    catalog: options.catalog ?? testCatalog(),
    promotions: options.promotions ?? testPromotions(),
    coupons: options.coupons ?? testCoupons(),
    ...(options.memberships ? { memberships: options.memberships } : {}),
  });
  const testStore = newTestStore(options.backend);
  const store = testStore.store;
  const channels = options.channels ?? [
    new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 }),
  ];
  const parts = {
    index,
    channels,
    config: { timerTickMs: 60_000, ...options.config },
    clock: options.now ?? (() => AT),
  };
  const engine =
    testStore.hot && store instanceof PostgresTradeStore
      ? await SharedTradeEngine.startShared({ ...parts, store, hot: testStore.hot })
      : await TradeEngine.start({ ...parts, store });
  const auth = options.operators
    ? await OperatorAuth.create(options.operators, { sessions: engine.sessions, rates: engine.rates.signIns })
    : undefined;
  const app = buildServer({
    engine,
    logLevel: 'silent',
    buyerLimits: options.buyerLimits ?? null,
    callbackSecret: options.callbackSecret ?? TEST_CALLBACK_SECRET,
    ...(auth ? { auth } : {}),
  });
  options.beforeListen?.(app);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await engine.stop();
    await testStore.cleanUp();
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return new TestApi(app, engine, testStore, `http://127.0.0.1:${address.port}`);
}
