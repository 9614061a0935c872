// The HTTP API (ARCHITECTURE.md, src/api): thin routes over one TradeEngine. Input is validated by
// JSON Schema (no coercion, no silent removal of unknown fields), every error is problem+json from
// one handler, and the OpenAPI document at /docs comes from the same schemas.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TradeEngine } from '../services/trade-engine.ts';
import { BUYER_HEADER } from './buyer.ts';
import { acceptJsonOnly, BODY_LIMIT_BYTES } from './json-body.ts';
import { installProblemHandlers } from './problem.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { quoteRoutes } from './routes/quote.ts';
import { walletRoutes } from './routes/wallet.ts';
import { sharedSchemas } from './schemas.ts';

export interface ApiDeps {
  engine: TradeEngine;
  /** pino level: 'info' for `dacu serve`, 'silent' or 'warn' in tests. */
  logLevel?: string;
  bodyLimitBytes?: number;
}

const TAGS = [
  { name: 'catalog', description: '商品目录 Catalogue' },
  { name: 'quote', description: '试算 Quotes' },
  { name: 'orders', description: '订单 Orders' },
  { name: 'payments', description: '支付 Payments' },
  { name: 'wallet', description: '卡券 Wallet' },
  { name: 'system', description: '系统 System' },
];

export function buildServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info' },
    bodyLimit: deps.bodyLimitBytes ?? BODY_LIMIT_BYTES,
    // Ajv's Fastify defaults would drop unknown fields (a tampered unitPrice would pass unseen)
    // and turn "1" into 1; here both are refused.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
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
      components: { securitySchemes: { buyerId: { type: 'apiKey', in: 'header', name: BUYER_HEADER } } },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });

  app.register(async (api) => {
    api.get(
      '/health',
      {
        schema: {
          tags: ['system'],
          summary: '健康检查 — Health check',
          response: {
            200: {
              type: 'object',
              description: 'alive',
              required: ['ok'],
              properties: { ok: { type: 'boolean' } },
              additionalProperties: false,
            },
          },
        },
      },
      async () => ({ ok: true }),
    );
    catalogRoutes(api, deps.engine);
    quoteRoutes(api, deps.engine);
    orderRoutes(api, deps.engine);
    paymentRoutes(api, deps.engine);
    walletRoutes(api, deps.engine);
  });
  return app;
}
