// The buyer's orders: place (one order per store), list, read, cancel. Every route needs the
// gateway's x-buyer-id; a client sends SKUs and quantities, never prices.
import type { FastifyInstance } from 'fastify';
import { limits } from '../../domain/limits.ts';
import { type OrderBody, placeOrderRequest } from '../../services/cart-request.ts';
import { getMyOrder, listMyOrders } from '../../services/order-view.ts';
import { withShipDates } from '../../services/place-order.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { buyerIdOf, membershipsOf, requireBuyer } from '../buyer.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { ProblemError, unwrap } from '../problem.ts';
import {
  buyerSecurity,
  closedOrderResponse,
  emptyBody,
  idempotencyHeaders,
  orderBody,
  orderIdParams,
  ordersQuery,
  problemResponses,
  ref,
} from '../schemas.ts';

const ORDERS_PAGE_DEFAULT = 20;

export function orderRoutes(app: FastifyInstance, engine: TradeEngine): void {
  app.post<{ Body: OrderBody }>(
    '/api/orders',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['orders'],
        summary: '下单：服务器重新定价并锁定库存 — Place an order',
        description:
          'Re-prices the cart at the server clock, splits it into one order per store and reserves every unit or none. Unknown fields (a unitPrice, a payable) are refused with 400. expectedPayable that differs from the server price answers 409 PRICE_MISMATCH.',
        security: buyerSecurity,
        headers: idempotencyHeaders,
        body: orderBody,
        response: { 201: ref('PlacedCheckout'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const buyerId = buyerIdOf(request);
      const order = unwrap(
        placeOrderRequest(
          { id: buyerId, memberships: membershipsOf(request) },
          request.body,
          engine.ctx.clock(),
        ),
      );
      const placed = unwrap(await engine.placeOrder(order, idempotencyOf(request, buyerId)));
      return reply.code(201).send(withShipDates(placed));
    },
  );

  app.get<{ Querystring: { limit?: string } }>(
    '/api/orders',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['orders'],
        summary: '我的订单（最新在前）— My orders, newest first',
        security: buyerSecurity,
        querystring: ordersQuery,
        response: {
          200: {
            type: 'object',
            description: '我的订单 my orders, newest first',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('Order') } },
            additionalProperties: false,
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit === undefined ? ORDERS_PAGE_DEFAULT : Number(request.query.limit);
      if (limit < 1 || limit > limits.ordersPageMax) {
        const detail = `query.limit must be from 1 to ${limits.ordersPageMax}`;
        throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: 'query.limit' });
      }
      return { items: await listMyOrders(engine.ctx, buyerIdOf(request), limit) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/orders/:id',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['orders'],
        summary: '订单详情 — One of my orders',
        description: "Another buyer's order answers 403 NOT_YOUR_ORDER; an unknown id 404 ORDER_NOT_FOUND.",
        security: buyerSecurity,
        params: orderIdParams,
        response: { 200: ref('Order'), ...problemResponses },
      },
    },
    async (request) => unwrap(await getMyOrder(engine.ctx, buyerIdOf(request), request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/api/orders/:id/cancel',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['orders'],
        summary: '取消未支付订单并释放库存 — Cancel an unpaid order',
        security: buyerSecurity,
        params: orderIdParams,
        body: emptyBody,
        response: { 200: closedOrderResponse, ...problemResponses },
      },
    },
    async (request) => unwrap(await engine.cancelOrder(buyerIdOf(request), request.params.id)),
  );
}
