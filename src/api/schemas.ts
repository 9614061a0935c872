// JSON Schemas of the API: request bodies are validated with them (additionalProperties: false
// everywhere, so a client can never slip a price in), responses are serialized with them, and the
// OpenAPI document at /docs is generated from the same objects. Money is integer fen throughout,
// except a red envelope balance in a cart, which is yuan as in the cart file (PRICING.md).
import { limits } from '../domain/limits.ts';
import { PROBLEM_STATUS } from '../services/problem.ts';

const text = (maxLength: number, description?: string) =>
  ({ type: 'string', minLength: 1, maxLength, ...(description ? { description } : {}) }) as const;
const fen = (description: string) => ({ type: 'integer', description: `${description} (分 fen)` }) as const;
export const epochMs = (description: string) =>
  ({ type: 'integer', description: `${description} (epoch ms)` }) as const;
const nullable = <T extends { type: string }>(schema: T) =>
  ({ ...schema, type: [schema.type, 'null'] }) as const;

export const id = text(64);
const ref = (name: string) => ({ $ref: `${name}#` }) as const;

// ---------------------------------------------------------------------------------------------
// Shared schemas (components in the OpenAPI document)

const problem = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details with a stable code; extra members carry machine-readable facts',
  required: ['type', 'title', 'titleZh', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string', description: 'English title of the code' },
    titleZh: { type: 'string', description: '中文标题' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(PROBLEM_STATUS) },
    detail: { type: 'string' },
    path: { type: 'string', description: 'where in the request, e.g. lines[0].qty' },
  },
  additionalProperties: true,
} as const;

const offer = {
  $id: 'Offer',
  type: ['object', 'null'],
  description: 'the item-level offer that set the activity price (单品优惠)',
  required: ['id', 'kind'],
  properties: { id: { type: 'string' }, kind: { type: 'string' } },
  additionalProperties: false,
} as const;

const lineDiscount = {
  $id: 'LineDiscount',
  type: 'object',
  required: ['id', 'kind', 'amount'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    amount: fen('share of the discount on this line'),
  },
  additionalProperties: false,
} as const;

const quoteLine = {
  $id: 'QuoteLine',
  type: 'object',
  required: [
    'lineNo',
    'sku',
    'title',
    'category',
    'qty',
    'listPrice',
    'unitPrice',
    'offer',
    'amount',
    'payable',
    'discounts',
    'unitPayables',
    'presale',
  ],
  properties: {
    lineNo: { type: 'integer', description: 'index of the cart line it came from' },
    sku: { type: 'string' },
    title: { type: 'string' },
    category: { type: 'string' },
    qty: { type: 'integer' },
    listPrice: fen('list price per unit (划线价)'),
    unitPrice: fen('activity price per unit (活动价)'),
    offer: ref('Offer'),
    amount: fen('unitPrice × qty'),
    payable: fen('what the line costs after every discount'),
    discounts: { type: 'array', items: ref('LineDiscount') },
    unitPayables: {
      type: 'array',
      items: { type: 'integer' },
      description: 'payable split over the units (fen)',
    },
    presale: {
      type: ['object', 'null'],
      required: ['promotionId', 'deposit', 'depositValue', 'balanceDue'],
      properties: {
        promotionId: { type: 'string' },
        deposit: fen('deposit per unit (定金)'),
        depositValue: fen('what the deposit counts for (膨胀)'),
        balanceDue: fen('balance due later (尾款)'),
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const appliedDiscount = {
  $id: 'AppliedDiscount',
  type: 'object',
  required: ['id', 'kind', 'amount'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    amount: fen('total of this discount'),
    walletId: { type: 'string', description: 'the wallet entry a coupon or red envelope came from' },
  },
  additionalProperties: false,
} as const;

const gift = {
  $id: 'Gift',
  type: 'object',
  required: ['promotionId', 'sku', 'qty'],
  properties: { promotionId: { type: 'string' }, sku: { type: 'string' }, qty: { type: 'integer' } },
  additionalProperties: false,
} as const;

const quote = {
  $id: 'Quote',
  type: 'object',
  description: '报价 the quote, exactly as `dacu quote --json` prints it',
  required: [
    'buyerId',
    'at',
    'listTotal',
    'amount',
    'payable',
    'savings',
    'dueNow',
    'dueLater',
    'stores',
    'applied',
    'hints',
    'gifts',
    'walletUnused',
  ],
  properties: {
    buyerId: { type: 'string' },
    at: { type: 'string', description: 'pricing instant, ISO-8601 with the campaign offset' },
    listTotal: fen('Σ list prices'),
    amount: fen('Σ activity amounts'),
    payable: fen('what the buyer pays (应付)'),
    savings: fen('listTotal − payable'),
    dueNow: fen('payable at checkout'),
    dueLater: fen('pre-sale balances payable later'),
    stores: {
      type: 'array',
      items: {
        type: 'object',
        required: ['storeId', 'storeName', 'amount', 'payable', 'lines'],
        properties: {
          storeId: { type: 'string' },
          storeName: { type: 'string' },
          amount: fen('Σ activity amounts of the store'),
          payable: fen('what the store sub-order costs'),
          lines: { type: 'array', items: ref('QuoteLine') },
        },
        additionalProperties: false,
      },
    },
    applied: { type: 'array', items: ref('AppliedDiscount') },
    hints: {
      type: 'array',
      description: '凑单 top-up hints',
      items: {
        type: 'object',
        required: ['id', 'kind', 'storeId', 'needed', 'saves'],
        properties: {
          id: { type: 'string' },
          kind: { type: 'string' },
          storeId: { type: ['string', 'null'] },
          needed: fen('more activity amount needed'),
          saves: fen('what reaching it saves'),
        },
        additionalProperties: false,
      },
    },
    gifts: { type: 'array', items: ref('Gift') },
    walletUnused: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'couponId', 'reason'],
        properties: { id: { type: 'string' }, couponId: { type: 'string' }, reason: { type: 'string' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

/** The path parameter of the operators' SKU routes. */
export const skuParams = {
  type: 'object',
  required: ['sku'],
  properties: { sku: { type: 'string', maxLength: 64 } },
  additionalProperties: false,
} as const;

const shipDate = {
  type: ['string', 'null'],
  description:
    '预售发货 ships on this date (YYYY-MM-DD): the SKU was switched to pre-sale after it sold out; null ships now',
} as const;

/** A pre-sale order's two payments, as placing it answers and as the order reads back. */
const presaleTerms = {
  required: ['deposit', 'balance', 'balanceStartsAt', 'balanceEndsAt'],
  properties: {
    deposit: fen('定金 paid first'),
    balance: fen('尾款 paid in the balance window, discounts applied'),
    balanceStartsAt: { type: ['integer', 'null'], description: 'epoch ms' },
    balanceEndsAt: {
      type: ['integer', 'null'],
      description: 'epoch ms; unpaid then forfeits the deposit',
    },
  },
  additionalProperties: false,
} as const;

const placedCheckout = {
  $id: 'PlacedCheckout',
  type: 'object',
  description: '下单结果 one order per store, stock reserved until the payment deadline',
  required: ['checkoutId', 'payable', 'savings', 'orders', 'gifts'],
  properties: {
    checkoutId: { type: 'string' },
    payable: fen('Σ order payables'),
    savings: fen('list total − payable'),
    orders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'storeId', 'status', 'payable', 'deadlineAt', 'shipDate'],
        properties: {
          id: { type: 'string' },
          storeId: { type: 'string' },
          status: { type: 'string', enum: ['pending_payment'] },
          payable: fen('what this store order costs'),
          deadlineAt: epochMs('unpaid orders close at this instant'),
          presale: {
            description: '预售 a pre-sale order: the deposit is paid now, the balance in its window',
            anyOf: [{ type: 'null' }, { type: 'object', ...presaleTerms }],
          },
          shipDate,
        },
        additionalProperties: false,
      },
    },
    gifts: { type: 'array', items: ref('Gift') },
  },
  additionalProperties: false,
} as const;

const paidOrder = {
  $id: 'PaidOrder',
  type: 'object',
  required: ['id', 'status', 'paidAt', 'channel', 'channelRef', 'attempts', 'compensation'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['paid', 'deposit_paid'] },
    paidAt: epochMs('when the payment was recorded'),
    channel: { type: 'string' },
    channelRef: { type: 'string' },
    attempts: {
      type: 'array',
      description: 'every channel tried, in order (failover)',
      items: {
        type: 'object',
        required: ['channel', 'outcome', 'elapsedMs'],
        properties: {
          channel: { type: 'string' },
          outcome: { type: 'string', enum: ['succeeded', 'timeout', 'error', 'declined'] },
          elapsedMs: { type: 'number' },
        },
        additionalProperties: false,
      },
    },
    compensation: {
      type: ['object', 'null'],
      description: 'red envelope granted after a channel failure (补偿红包)',
      required: ['walletId', 'couponId', 'amount'],
      properties: { walletId: { type: 'string' }, couponId: { type: 'string' }, amount: fen('its value') },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const order = {
  $id: 'Order',
  type: 'object',
  required: [
    'id',
    'checkoutId',
    'storeId',
    'storeName',
    'status',
    'payable',
    'amount',
    'listTotal',
    'placedAt',
    'deadlineAt',
    'paidAt',
    'closedAt',
    'paymentChannel',
    'paymentRef',
    'lines',
    'applied',
    'gifts',
    'shipDate',
    'presale',
    'amountDue',
    'payBy',
  ],
  properties: {
    id: { type: 'string' },
    checkoutId: { type: 'string' },
    storeId: { type: 'string' },
    storeName: { type: 'string' },
    status: {
      type: 'string',
      enum: ['pending_payment', 'deposit_paid', 'paid', 'cancelled', 'expired', 'forfeited'],
    },
    payable: fen('what the order costs'),
    amount: fen('Σ activity amounts'),
    listTotal: fen('Σ list prices'),
    placedAt: epochMs('placed'),
    deadlineAt: epochMs('payment deadline (of the deposit, for a pre-sale)'),
    paidAt: nullable(epochMs('paid in full (a pre-sale: its balance)')),
    closedAt: nullable(epochMs('cancelled or expired')),
    paymentChannel: { type: ['string', 'null'] },
    paymentRef: { type: ['string', 'null'] },
    lines: { type: 'array', items: ref('QuoteLine') },
    applied: { type: 'array', items: ref('AppliedDiscount') },
    gifts: { type: 'array', items: ref('Gift') },
    shipDate,
    presale: {
      description: '预售 a pre-sale order: its deposit and balance, and whether the deposit is in',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          ...presaleTerms,
          required: [...presaleTerms.required, 'depositPaid'],
          properties: { ...presaleTerms.properties, depositPaid: { type: 'boolean' } },
        },
      ],
    },
    amountDue: fen(
      "what the next payment takes: the payable, or a pre-sale's deposit, then its balance; 0 once paid or closed",
    ),
    payBy: nullable(
      epochMs(
        "the next payment is due by then (the deadline, or a pre-sale's balance window end); null once paid or closed",
      ),
    ),
  },
  additionalProperties: false,
} as const;

export const sharedSchemas = [
  problem,
  offer,
  lineDiscount,
  quoteLine,
  appliedDiscount,
  gift,
  quote,
  placedCheckout,
  paidOrder,
  order,
];

// ---------------------------------------------------------------------------------------------
// Pieces of routes

/** Every 4xx and 5xx answer of every route. */
export const problemResponses = {
  '4xx': {
    description: 'problem+json with a stable code',
    content: { 'application/problem+json': { schema: ref('Problem') } },
  },
  '5xx': {
    description:
      'problem+json: INTERNAL, or PAYMENT_NOT_RECORDED (503) for a payment refunded because it could not be saved',
    content: { 'application/problem+json': { schema: ref('Problem') } },
  },
} as const;

export const buyerSecurity = [{ buyerId: [] }];

export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: limits.idempotencyKeyLengthMax,
      pattern: '^[\\x21-\\x7E]+$',
      description: '幂等键 a retried request with the same key returns the first answer',
    },
  },
} as const;

export const orderIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { ...id, pattern: '^[A-Za-z0-9_-]+$' } },
  additionalProperties: false,
} as const;

const cartLines = {
  type: 'array',
  minItems: 1,
  maxItems: limits.cartLinesMax,
  description: 'one line per SKU; prices are never sent, the server prices',
  items: {
    type: 'object',
    required: ['sku', 'qty'],
    properties: { sku: id, qty: { type: 'integer', minimum: 1, maximum: limits.lineQtyMax } },
    additionalProperties: false,
  },
} as const;

const wallet = {
  type: 'array',
  maxItems: limits.walletItemsMax,
  description:
    'coupons and red envelopes to consider; the best legal set is chosen by the server. A signed-in shopper names their own wallet entries (or coupon ids they hold), at the server’s balances',
  items: {
    anyOf: [
      { ...id, description: 'a coupon id (signed in: a wallet entry id, or a coupon id you hold)' },
      {
        type: 'object',
        required: ['id', 'couponId'],
        properties: {
          id,
          couponId: id,
          balance: {
            description: 'red envelope balance left, in yuan (元) as in the cart file',
            anyOf: [
              { type: 'number', minimum: 0 },
              { type: 'string', pattern: '^\\d{1,9}(\\.\\d{1,2})?$' },
            ],
          },
        },
        additionalProperties: false,
      },
    ],
  },
} as const;

const memberships = {
  type: 'array',
  maxItems: 10,
  items: id,
  description: 'paid memberships (e.g. vip88)',
} as const;

export const quoteBody = {
  type: 'object',
  required: ['lines'],
  properties: {
    buyer: {
      type: 'object',
      required: ['id'],
      properties: { id, memberships },
      additionalProperties: false,
      description: 'absent = a guest',
    },
    at: { ...text(40), description: 'ISO-8601; without an offset in the campaign zone; absent = now' },
    lines: cartLines,
    wallet,
  },
  additionalProperties: false,
} as const;

export const orderBody = {
  type: 'object',
  required: ['lines'],
  properties: {
    lines: cartLines,
    wallet,
    expectedPayable: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the payable the shopper saw (fen); a different server price answers 409 PRICE_MISMATCH',
    },
    flashSessions: {
      type: 'array',
      maxItems: 10,
      items: id,
      description:
        '秒杀场次 flash sessions being rushed: 409 FLASH_SESSION_NOT_OPEN / FLASH_SOLD_OUT / FLASH_LIMIT_REACHED instead of the list price',
    },
  },
  additionalProperties: false,
} as const;

export const payBody = {
  type: 'object',
  properties: {
    channel: { ...text(32), description: 'channel to try first, e.g. alipay, wechat, unionpay' },
  },
  additionalProperties: false,
} as const;

export const emptyBody = { type: 'object', properties: {}, additionalProperties: false } as const;

export const callbackBody = {
  type: 'object',
  required: ['orderId', 'channel', 'channelRef'],
  properties: {
    orderId: id,
    channel: text(32),
    channelRef: text(128),
    amount: {
      type: 'integer',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description:
        'fen the channel took (signed with the rest when sent); it must be what the order owes now, and a charge that pays nothing is refunded through the channel',
    },
  },
  additionalProperties: false,
} as const;

export const stockState = {
  type: 'object',
  required: ['available', 'state'],
  properties: {
    available: { type: 'integer' },
    state: { type: 'string', enum: ['in_stock', 'low', 'sold_out'] },
  },
  additionalProperties: false,
} as const;

export const catalogResponse = {
  type: 'object',
  description: '商品目录 the catalogue with live prices and stock',
  required: ['at', 'items'],
  properties: {
    at: { type: 'string', description: 'the instant the prices hold at, ISO-8601' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'sku',
          'storeId',
          'storeName',
          'title',
          'category',
          'role',
          'listPrice',
          'price',
          'offer',
          'stock',
        ],
        properties: {
          sku: { type: 'string' },
          storeId: { type: 'string' },
          storeName: { type: 'string' },
          title: { type: 'string' },
          category: { type: 'string' },
          role: { type: 'string', enum: ['hero', 'featured', 'regular'] },
          listPrice: fen('list price (划线价)'),
          price: fen('activity price of one unit now, for a guest (活动价)'),
          offer: ref('Offer'),
          stock: stockState,
          presaleStock: {
            description:
              '预售库存 units left in the pre-sale pool, kept apart from spot stock; null without one',
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['available'],
                properties: { available: { type: 'integer' } },
                additionalProperties: false,
              },
            ],
          },
          soldOutAction: {
            description: '售罄处理 pre-sale with a ship date, or a substitute SKU; null when none',
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                properties: {
                  kind: { type: 'string', enum: ['presale', 'substitute'] },
                  shipDate: { type: 'string' },
                  units: { type: 'integer' },
                  substituteSku: { type: 'string' },
                },
                additionalProperties: false,
              },
            ],
          },
          flashSessions: {
            type: 'array',
            description: '秒杀场次 flash sessions not yet ended, with units left (sold out shows at once)',
            items: {
              type: 'object',
              required: ['id', 'price', 'quantity', 'remaining', 'perBuyer', 'startsAt', 'endsAt', 'state'],
              properties: {
                id: { type: 'string' },
                price: fen('session price'),
                quantity: { type: 'integer' },
                remaining: { type: 'integer' },
                perBuyer: { type: 'integer' },
                startsAt: { type: ['integer', 'null'], description: 'epoch ms' },
                endsAt: { type: ['integer', 'null'], description: 'epoch ms' },
                state: { type: 'string', enum: ['upcoming', 'open', 'sold_out'] },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export const closedOrderResponse = {
  type: 'object',
  description: '已取消 the order is closed and its stock released',
  required: ['id', 'status', 'closedAt'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['cancelled', 'expired'] },
    closedAt: epochMs('closed'),
  },
  additionalProperties: false,
} as const;

export const callbackResponse = {
  type: 'object',
  description: '已确认 the payment is recorded',
  required: ['id', 'status', 'duplicate'],
  properties: {
    id: { type: 'string' },
    status: {
      type: 'string',
      description:
        'the order now: paid, or deposit_paid when the callback paid a pre-sale deposit (a recorded reference again answers the status the order has since)',
    },
    duplicate: { type: 'boolean', description: 'true when this channel reference was already recorded' },
  },
  additionalProperties: false,
} as const;

export const walletResponse = {
  type: 'object',
  description: '我的卡券 coupons and red envelopes held',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'couponId', 'kind', 'balanceFen', 'status', 'source', 'createdAt'],
        properties: {
          id: { type: 'string' },
          couponId: { type: 'string' },
          kind: { type: ['string', 'null'] },
          balanceFen: {
            type: ['integer', 'null'],
            description: 'red envelope balance in fen; null for a threshold coupon',
          },
          status: { type: 'string', enum: ['available', 'used'] },
          source: { type: 'string' },
          createdAt: epochMs('granted'),
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

export const ordersQuery = {
  type: 'object',
  properties: {
    // Query values are strings and the validator does not coerce (coerceTypes: false).
    limit: { type: 'string', pattern: '^[0-9]{1,6}$', description: `1–${limits.ordersPageMax}, default 20` },
  },
  additionalProperties: false,
} as const;

export const catalogQuery = {
  type: 'object',
  properties: { store: { ...id, description: 'only this store' } },
  additionalProperties: false,
} as const;

export { ref };
