// GET /api/wallet: the coupons and red envelopes the buyer holds.
import type { FastifyInstance } from 'fastify';
import { listMyWallet } from '../../services/order-view.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { buyerIdOf, requireBuyer } from '../buyer.ts';
import { buyerSecurity, problemResponses, walletResponse } from '../schemas.ts';

export function walletRoutes(app: FastifyInstance, engine: TradeEngine): void {
  app.get(
    '/api/wallet',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['wallet'],
        summary: '我的卡券与红包 — My coupons and red envelopes',
        security: buyerSecurity,
        response: { 200: walletResponse, ...problemResponses },
      },
    },
    async (request) => ({ items: await listMyWallet(engine.ctx, buyerIdOf(request)) }),
  );
}
