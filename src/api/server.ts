// The HTTP API (ARCHITECTURE.md, src/api): thin routes over one TradeEngine. Input is validated by
// JSON Schema (no coercion, no silent removal of unknown fields), every error is problem+json from
// one handler, and the OpenAPI document at /docs comes from the same schemas.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { type LiveOptions, LiveService } from '../live/live-service.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import { accessLog } from './access-log.ts';
import { OperatorAuth, SESSION_COOKIE } from './auth.ts';
import { BUYER_HEADER, funnelShopperOf, funnelStepOf } from './buyer.ts';
import { type BuyerLimits, limitBuyerWrites } from './buyer-limits.ts';
import { answerClientError } from './client-errors.ts';
import { acceptJsonOnly, BODY_LIMIT_BYTES } from './json-body.ts';
import { ApiMetrics, metricsRoutes } from './metrics.ts';
import { installProblemHandlers, problemFromError, sendProblem } from './problem.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { couponRoutes } from './routes/coupons.ts';
import { healthRoutes } from './routes/health.ts';
import { liveRoutes } from './routes/live.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { quoteRoutes } from './routes/quote.ts';
import { restockRoutes } from './routes/restock.ts';
import { soldOutActionRoutes } from './routes/sold-out-actions.ts';
import { walletRoutes } from './routes/wallet.ts';
import { sharedSchemas } from './schemas.ts';
import { registerWebAssets } from './web-assets.ts';

export interface ApiDeps {
  engine: TradeEngine;
  /** pino level: 'info' for `dacu serve`, 'silent' or 'warn' in tests. */
  logLevel?: string;
  bodyLimitBytes?: number;
  /** Operator accounts for the cockpit; without them nobody can sign in (logged as a warning). */
  auth?: OperatorAuth;
  /** The live board; built from the engine when absent. */
  live?: LiveService;
  /** Settings of the live board built here (poll and push intervals). */
  liveOptions?: LiveOptions;
  /** The secret payment callbacks are signed with; none = a random one (no callback is accepted). */
  callbackSecret?: string;
  /** Writes per buyer per window (风控); none = no limit. */
  buyerLimits?: BuyerLimits | null;
  /** Fastify's trustProxy: proxies (a count, or addresses) whose X-Forwarded-For names the client. */
  trustProxy?: number | string;
}

const TAGS = [
  { name: 'catalog', description: '商品目录 Catalogue' },
  { name: 'quote', description: '试算 Quotes' },
  { name: 'orders', description: '订单 Orders' },
  { name: 'payments', description: '支付 Payments' },
  { name: 'wallet', description: '卡券 Wallet' },
  { name: 'auth', description: '运营登录 Operator sign-in' },
  { name: 'live', description: '实时大屏 Live board' },
  { name: 'admin', description: '运营后台 Operators’ pages' },
  { name: 'system', description: '系统 System' },
];

/** Hops are counted from the server outwards: the first `n` addresses are proxies. */
function trustProxyOf(
  trust: number | string | undefined,
): string | boolean | ((address: string, hop: number) => boolean) {
  if (trust === undefined) return false;
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export function buildServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info' },
    logController: accessLog(),
    bodyLimit: deps.bodyLimitBytes ?? BODY_LIMIT_BYTES,
    trustProxy: trustProxyOf(deps.trustProxy),
    // Ajv's Fastify defaults would drop unknown fields (a tampered unitPrice would pass unseen)
    // and turn "1" into 1; here both are refused.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Errors Fastify meets before routing (a URL that does not decode, %zz) answer as every other.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(reply, problemFromError(error) ?? { code: 'BAD_REQUEST', detail: 'bad request' }),
    // And so do those Node's HTTP parser meets before Fastify (a control character in a header, 431).
    clientErrorHandler: answerClientError,
  });
  acceptJsonOnly(app);
  installProblemHandlers(app);
  for (const schema of sharedSchemas) app.addSchema(schema);

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'dacu API — 大促交易接口',
        description:
          "Singles' Day sale engine: catalogue, quotes, orders, payments. Money is integer fen (分). Buyers are authenticated by the gateway, which sets x-buyer-id.",
        version: '0.1.0',
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          buyerId: { type: 'apiKey', in: 'header', name: BUYER_HEADER },
          operatorSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
  // The cockpit (web/dist): a plugin of its own so its static files sit beside the API.
  app.register(async (web) => registerWebAssets(web));

  closeUnusedSocketsOnClose(app);
  const live = installLive(app, deps);
  const auth = deps.auth ?? OperatorAuth.closed();
  if (auth.accountCount === 0)
    app.log.warn('no operator accounts: nobody can sign in to /api/live or /api/admin');
  const metrics = new ApiMetrics(live, deps.engine);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // The funnel's first two steps (DOMAIN.md §7): a shopper served the catalogue, a cart priced
    // (checkout prices it too: on shared backends that keeps sale-wide buyers within priced).
    const step = funnelStepOf(route, request.method, reply.statusCode);
    const buyerId = step && funnelShopperOf(request);
    if (step && buyerId) live.reachFunnel(buyerId, step);
  });

  if (deps.buyerLimits) limitBuyerWrites(app, deps.engine.rates.buyerWrites, deps.buyerLimits);
  app.register(async (api) => {
    healthRoutes(api, deps.engine);
    catalogRoutes(api, deps.engine);
    quoteRoutes(api, deps.engine);
    orderRoutes(api, deps.engine);
    paymentRoutes(api, deps.engine, deps.callbackSecret ?? randomBytes(32).toString('hex'));
    walletRoutes(api, deps.engine);
    couponRoutes(api, deps.engine);
    authRoutes(api, auth);
    liveRoutes(api, live, auth);
    soldOutActionRoutes(api, deps.engine, auth);
    restockRoutes(api, deps.engine, auth);
    metricsRoutes(api, metrics);
  });
  return app;
}

/** The live board follows the server: it tails the log once the server is ready, its streams end
 * before the server stops listening (an open stream would keep close() waiting), and its tail stops
 * before the caller stops the engine and closes the store. */
function installLive(app: FastifyInstance, deps: ApiDeps): LiveService {
  const live =
    deps.live ??
    new LiveService(deps.engine, {
      ...deps.liveOptions,
      onError: (error, what) => app.log.error({ err: error }, `live board: ${what} failed`),
    });
  app.addHook('onReady', async () => live.start());
  app.addHook('preClose', async () => live.stream.close());
  app.addHook('onClose', async () => live.stop());
  return live;
}

/** server.close() waits for every connection to end, and Node counts a connection that never sent
 * a byte (a browser's or fetch's speculative preconnect) as busy until its headers time out; with
 * no request on it there is nothing to finish, so closing drops it at once. */
function closeUnusedSocketsOnClose(app: FastifyInstance): void {
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.addHook('preClose', async () => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  });
}
