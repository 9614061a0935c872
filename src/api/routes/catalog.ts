// GET /api/catalog: every SKU with its live activity price and stock state.
import type { FastifyInstance } from 'fastify';
import { formatInstant } from '../../domain/zoned-time.ts';
import { catalogView } from '../../services/catalog-view.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { catalogQuery, catalogResponse, problemResponses } from '../schemas.ts';

export function catalogRoutes(app: FastifyInstance, engine: TradeEngine): void {
  app.get<{ Querystring: { store?: string } }>(
    '/api/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: '商品目录：实时活动价与库存 — Catalogue with live prices and stock',
        description:
          'price is the activity price (活动价) of one unit now for a guest; stock.state is sold_out at 0, low at or below the safety stock or 10% of what was stocked.',
        querystring: catalogQuery,
        response: { 200: catalogResponse, ...problemResponses },
      },
    },
    async (request) => {
      const { ctx } = engine;
      const now = ctx.clock();
      return {
        at: formatInstant(now, ctx.index.campaign.timezone),
        items: catalogView(ctx, now, request.query.store),
      };
    },
  );
}
