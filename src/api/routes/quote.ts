// POST /api/quote: prices a cart exactly as checkout will (PRICING.md); nothing is reserved.
import type { FastifyInstance } from 'fastify';
import { type QuoteBody, quoteCartBody } from '../../services/cart-request.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { isSignedIn, quoteBuyerOf } from '../buyer.ts';
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
          'The body is a cart as in PRICING.md; `at` defaults to the server clock. A signed-in shopper (x-buyer-id) is priced as their checkout will be: with the memberships the gateway vouches for (x-buyer-memberships; a body `buyer` may then only repeat them), and with their own wallet: `wallet` names their wallet entries (or coupon ids they hold), priced at the server’s balances as at checkout (a `balance` in the body is not used; a coupon they do not hold is 422 COUPON_NOT_IN_WALLET, a used one 409 COUPON_ALREADY_USED). Without the header, `buyer` is whom to price for and `wallet` a cart file’s coupon ids and red envelope balances (the operators’ preview), no buyer = a guest. The answer is what `dacu quote --json` prints.',
        body: quoteBody,
        response: { 200: ref('Quote'), ...problemResponses },
      },
    },
    async (request) => {
      const buyer = quoteBuyerOf(request, request.body);
      const body = { ...request.body, buyer };
      // A signed-in shopper's coupons and red envelopes are their own, as checkout takes them.
      const signedIn =
        isSignedIn(request) && buyer
          ? { wallet: unwrap(await engine.quoteWallet(buyer.id, walletRefsOf(request.body.wallet ?? []))) }
          : undefined;
      const usageFor = (b: string) => engine.ctx.offers.usageFor(b);
      return unwrap(quoteCartBody(engine.ctx.index, body, engine.ctx.clock(), usageFor, signedIn));
    },
  );
}

/** The wallet entries a body names: an id, or an entry object of the cart file's form. */
function walletRefsOf(wallet: NonNullable<QuoteBody['wallet']>): { id: string }[] {
  return wallet.map((entry) => ({ id: typeof entry === 'string' ? entry : entry.id }));
}
