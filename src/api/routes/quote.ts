// POST /api/quote: prices a cart exactly as checkout will (PRICING.md); nothing is reserved.
import type { FastifyInstance } from 'fastify';
import { type QuoteBody, quoteCartBody } from '../../services/cart-request.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { quoteBuyerOf } from '../buyer.ts';
import { unwrap } from '../problem.ts';
import { problemResponses, quoteBody, ref } from '../schemas.ts';

export function quoteRoutes(app: FastifyInstance, engine: TradeEngine): void {
  app.post<{ Body: QuoteBody }>(
    '/api/quote',
    {
      schema: {
        tags: ['quote'],
        summary: '试算：按服务器规则计算购物车价格 — Price a cart',
        description:
          'The body is a cart as in PRICING.md; `at` defaults to the server clock. A signed-in shopper (x-buyer-id) is priced as their checkout will be, with the memberships the gateway vouches for (x-buyer-memberships); a body `buyer` may then only repeat them. Without the header, `buyer` is whom to price for (the operators’ preview), absent = a guest. The answer is what `dacu quote --json` prints.',
        body: quoteBody,
        response: { 200: ref('Quote'), ...problemResponses },
      },
    },
    async (request) => {
      const body = { ...request.body, buyer: quoteBuyerOf(request, request.body) };
      return unwrap(
        quoteCartBody(engine.ctx.index, body, engine.ctx.clock(), (b) => engine.ctx.offers.usageFor(b)),
      );
    },
  );
}
