// Paying: the buyer pays an order through the channels with failover; a channel confirms a
// payment asynchronously through the callback (idempotent on its reference).
import type { FastifyInstance } from 'fastify';
import type { PaymentCallback } from '../../services/payment-callback.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { buyerIdOf, requireBuyer } from '../buyer.ts';
import { checkCallbackSignature, SIGNATURE_HEADER } from '../callback-signature.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { ProblemError, unwrap } from '../problem.ts';
import {
  buyerSecurity,
  callbackBody,
  callbackResponse,
  idempotencyHeaders,
  orderIdParams,
  payBody,
  problemResponses,
  ref,
} from '../schemas.ts';

/** `callbackSecret`: the secret the payment gateway signs callbacks with. */
export function paymentRoutes(app: FastifyInstance, engine: TradeEngine, callbackSecret: string): void {
  app.get(
    '/api/payment-methods',
    {
      schema: {
        tags: ['payments'],
        summary: '收银台支付方式 — The payment channels a shopper may choose',
        description:
          'The sale’s channels in the order a payment fails over between them; a shopper names one as `channel` when paying, and it is tried first.',
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['channel'],
                  properties: { channel: { type: 'string' } },
                  additionalProperties: false,
                },
              },
            },
            additionalProperties: false,
          },
        },
      },
    },
    async () => ({ items: engine.ctx.channels.map((c) => ({ channel: c.name })) }),
  );

  app.post<{ Params: { id: string }; Body: { channel?: string } }>(
    '/api/orders/:id/pay',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['payments'],
        summary: '支付订单（渠道超时自动切换）— Pay an order, failing over between channels',
        description:
          'Tries the preferred channel first (one of the sale’s channels, else 400), then the others; a shopper hurt by a channel failure gets a compensation red envelope. 402 PAYMENT_FAILED / PAYMENT_DECLINED when no channel took the money. 503 PAYMENT_NOT_RECORDED when a channel took it but the payment could not be saved: it is refunded through that channel before the answer (refund.status refunded, or refund_failed for the operators), and the order stays unpaid.',
        security: buyerSecurity,
        headers: idempotencyHeaders,
        params: orderIdParams,
        body: payBody,
        response: { 200: ref('PaidOrder'), ...problemResponses },
      },
    },
    async (request) => {
      const buyerId = buyerIdOf(request);
      const { channel } = request.body;
      if (channel !== undefined && !engine.ctx.channels.some((c) => c.name === channel)) {
        const names = engine.ctx.channels.map((c) => c.name).join(', ');
        const detail = `channel: ${channel} is not a channel of this sale (${names})`;
        throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: 'channel' });
      }
      const idem = idempotencyOf(request, buyerId);
      return unwrap(await engine.payOrder(buyerId, request.params.id, channel, idem));
    },
  );

  app.post<{ Body: PaymentCallback }>(
    '/api/payments/callback',
    {
      schema: {
        tags: ['payments'],
        summary: '支付渠道回调（幂等）— Payment channel callback (idempotent)',
        description:
          'Signed by the payment gateway: x-dacu-signature = hex HMAC-SHA256 of "orderId\\nchannel\\nchannelRef" (with "\\namount" appended when amount is sent) under the callback secret (401 CALLBACK_SIGNATURE_INVALID otherwise). It pays what the order owes now: the whole order, a pre-sale deposit, then its balance in its window. The same channelRef again is the same payment (duplicate: true); 409 PAYMENT_IN_PROGRESS while a payment of the order is under way (retry). A charge that pays nothing (DUPLICATE_PAYMENT, a closed order, a balance outside its window, PAYMENT_AMOUNT_MISMATCH) is refunded through its channel when amount is sent (extra refund; a repeat answers PAYMENT_REFUNDED), else the gateway is told to refund it. PAYMENT_REF_CONFLICT: the reference already paid another order.',
        headers: {
          type: 'object',
          properties: { [SIGNATURE_HEADER]: { type: 'string', description: 'hex HMAC-SHA256' } },
        },
        body: callbackBody,
        response: { 200: callbackResponse, ...problemResponses },
      },
    },
    async (request) => {
      checkCallbackSignature(request, callbackSecret, request.body);
      return unwrap(await engine.confirmPayment(request.body));
    },
  );
}
