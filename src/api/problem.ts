// Every error leaves the API here, as application/problem+json (RFC 9457) with a stable `code`
// whose HTTP status comes from PROBLEM_STATUS (STYLE.md: errors are values mapped to HTTP in one
// place). Routes throw a ProblemError for an expected outcome; Fastify's own errors (bad JSON,
// schema violations, body limits, media types) are translated; anything else is a 500 that says
// nothing about the inside and is logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Outcome, PROBLEM_STATUS, type Problem, type ProblemCode } from '../services/problem.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An expected outcome that ends the request; rendered by the one error handler. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}

/** The value of a service outcome, or a ProblemError for the error handler to render. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new ProblemError(outcome.problem);
  return outcome.value;
}

interface Title {
  en: string;
  zh: string;
}

// Partial so that a code added in services/problem.ts never breaks the build here; a test checks
// that every code has its titles, and codeTitle() falls back to the code in words.
const TITLES: Partial<Record<ProblemCode, Title>> = {
  VALIDATION_FAILED: { en: 'Request validation failed', zh: '请求参数校验失败' },
  MALFORMED_JSON: { en: 'Malformed JSON body', zh: '请求体不是合法的 JSON' },
  BAD_REQUEST: { en: 'Bad request', zh: '错误的请求' },
  HEADERS_TOO_LARGE: { en: 'Request headers too large', zh: '请求头过大' },
  REQUEST_TIMEOUT: { en: 'Request timeout', zh: '请求超时' },
  EMPTY_CART: { en: 'The cart is empty', zh: '购物车为空' },
  TOO_MANY_LINES: { en: 'Too many cart lines', zh: '购物车商品行过多' },
  INVALID_QUANTITY: { en: 'Invalid quantity', zh: '商品数量无效' },
  DUPLICATE_SKU: { en: 'SKU listed twice', zh: '商品重复' },
  WALLET_TOO_LARGE: { en: 'Too many coupons', zh: '优惠券过多' },
  DUPLICATE_WALLET_ITEM: { en: 'Coupon listed twice', zh: '优惠券重复' },
  UNKNOWN_SKU: { en: 'Unknown SKU', zh: '商品不存在' },
  NO_PRESALE_POOL: { en: 'No pre-sale stock for this SKU', zh: '该商品没有预售库存' },
  UNKNOWN_COUPON: { en: 'Unknown coupon', zh: '优惠券不存在' },
  UNKNOWN_MEMBERSHIP: { en: 'Unknown membership', zh: '会员身份不存在' },
  UNAUTHENTICATED: { en: 'Not signed in', zh: '未登录' },
  NOT_YOUR_ORDER: { en: 'Not your order', zh: '无权操作他人的订单' },
  ORDER_NOT_FOUND: { en: 'Order not found', zh: '订单不存在' },
  NOT_FOUND: { en: 'Not found', zh: '资源不存在' },
  OUT_OF_STOCK: { en: 'Out of stock', zh: '库存不足' },
  NOT_INFLATABLE: { en: 'Not an inflating red envelope', zh: '不是膨胀红包' },
  INFLATION_CLOSED: { en: 'Inflation is over', zh: '膨胀已结束' },
  INFLATION_TASKS_DONE: { en: 'All tasks done', zh: '膨胀任务已做完' },
  ORDER_FORFEITED: { en: 'Deposit forfeited', zh: '尾款未付，定金不退' },
  DEPOSIT_ALREADY_PAID: { en: 'Deposit already paid', zh: '定金已付' },
  BALANCE_WINDOW_NOT_OPEN: { en: 'Balance payment not open yet', zh: '尾款支付尚未开始' },
  BALANCE_WINDOW_CLOSED: { en: 'Balance payment closed', zh: '尾款支付已截止' },
  INVALID_CREDENTIALS: { en: 'Wrong username or password', zh: '用户名或密码错误' },
  FORBIDDEN: { en: 'Not allowed for this role', zh: '当前角色无权操作' },
  COUPON_NOT_IN_WALLET: { en: 'Coupon not in your wallet', zh: '未领取该优惠券' },
  COUPON_ALREADY_USED: { en: 'Coupon already used', zh: '优惠券已使用' },
  UNKNOWN_COUPON_TEMPLATE: { en: 'Unknown coupon', zh: '优惠券不存在' },
  CLAIM_WINDOW_CLOSED: { en: 'Not claimable now', zh: '不在领券时间内' },
  COUPON_SOLD_OUT: { en: 'All claimed', zh: '优惠券已领完' },
  CLAIM_LIMIT_REACHED: { en: 'Claim limit reached', zh: '已达每人领取上限' },
  UNKNOWN_FLASH_SESSION: { en: 'Unknown flash session', zh: '秒杀场次不存在' },
  FLASH_SESSION_NOT_OPEN: { en: 'Flash session not open yet', zh: '秒杀尚未开始' },
  FLASH_SESSION_ENDED: { en: 'Flash session ended', zh: '秒杀已结束' },
  FLASH_SOLD_OUT: { en: 'Flash session sold out', zh: '秒杀已抢光' },
  SUBSTITUTE_SOLD_OUT: { en: 'The substitute is sold out too', zh: '替代品也已售罄' },
  SKU_IN_STOCK: { en: 'The SKU still has stock to sell', zh: '该商品库存充足' },
  FLASH_LIMIT_REACHED: { en: 'Per-buyer limit reached', zh: '已达每人限购数量' },
  PRICE_MISMATCH: { en: 'The price has changed', zh: '价格已变动' },
  ORDER_ALREADY_PAID: { en: 'Order already paid', zh: '订单已支付' },
  ORDER_CANCELLED: { en: 'Order cancelled', zh: '订单已取消' },
  ORDER_EXPIRED: { en: 'Order expired', zh: '订单已超时关闭' },
  PAYMENT_IN_PROGRESS: { en: 'Payment in progress', zh: '支付处理中' },
  REQUEST_IN_PROGRESS: { en: 'Request still running', zh: '请求处理中' },
  CALLBACK_SIGNATURE_INVALID: { en: 'Callback signature invalid', zh: '回调签名无效' },
  DUPLICATE_PAYMENT: { en: 'Duplicate payment', zh: '重复支付' },
  IDEMPOTENCY_KEY_REUSED: { en: 'Idempotency key reused', zh: '幂等键已用于其他请求' },
  PAYMENT_FAILED: { en: 'Payment failed', zh: '支付失败' },
  PAYMENT_DECLINED: { en: 'Payment declined', zh: '支付被拒绝' },
  PAYMENT_NOT_RECORDED: { en: 'Payment not recorded; refunded', zh: '支付未能入账，已原路退款' },
  SERVICE_UNAVAILABLE: { en: 'Service unavailable', zh: '服务暂不可用' },
  PAYMENT_REFUNDED: { en: 'Payment already refunded', zh: '该笔支付已退款' },
  PAYMENT_AMOUNT_MISMATCH: { en: 'Paid amount does not match', zh: '支付金额与应付不符' },
  PAYMENT_REF_CONFLICT: { en: 'Payment reference already used', zh: '支付流水号已用于其他订单' },
  PAYLOAD_TOO_LARGE: { en: 'Request body too large', zh: '请求体过大' },
  UNSUPPORTED_MEDIA_TYPE: { en: 'Unsupported media type', zh: '不支持的内容类型' },
  RATE_LIMITED: { en: 'Too many requests', zh: '请求过于频繁' },
  INTERNAL: { en: 'Internal error', zh: '服务器内部错误' },
};

export function codeTitle(code: ProblemCode): Title {
  const known = TITLES[code];
  if (known) return known;
  const words = code.toLowerCase().replaceAll('_', ' ');
  return { en: words.charAt(0).toUpperCase() + words.slice(1), zh: code };
}

export function hasTitles(code: ProblemCode): boolean {
  return TITLES[code] !== undefined;
}

export interface ProblemBody {
  type: string;
  title: string;
  titleZh: string;
  status: number;
  code: ProblemCode;
  detail: string;
  path?: string;
  [extra: string]: unknown;
}

export function problemBody(problem: Problem): ProblemBody {
  const { code, detail, path, extra } = problem;
  const title = codeTitle(code);
  const body: ProblemBody = {
    // Extra facts first, so they can never overwrite the standard members.
    ...extra,
    type: `urn:dacu:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: title.en,
    titleZh: title.zh,
    status: PROBLEM_STATUS[code],
    code,
    detail,
  };
  if (path !== undefined) body.path = path;
  return body;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const body = problemBody(problem);
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/lines/0/qty` → `lines[0].qty` (the paths the domain uses, e.g. in validateCart). */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(key) ? `[${key}]` : `${path ? '.' : ''}${key}`;
  }
  return path;
}

function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The first schema violation as a problem; `path` points at the offending field. */
export function validationProblem(errors: readonly AjvError[], context: string | undefined): Problem {
  const error = errors[0];
  if (!error) return { code: 'VALIDATION_FAILED', detail: 'the request is invalid' };
  let path = pointerToPath(error.instancePath);
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
    path = joinPath(path, error.params.additionalProperty);
    message =
      'is not an accepted field (the server computes prices and totals; the buyer and their memberships come from the gateway headers)';
  } else if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
    path = joinPath(path, error.params.missingProperty);
    message = 'is required';
  }
  // Body paths read like the cart itself (lines[0].qty); other parts say where they are.
  if (context && context !== 'body') path = joinPath(context === 'querystring' ? 'query' : context, path);
  if (!path) return { code: 'VALIDATION_FAILED', detail: `the ${context ?? 'request'} ${message}` };
  return { code: 'VALIDATION_FAILED', detail: `${path} ${message}`, path };
}

type MaybeFastifyError = Partial<FastifyError> & { validation?: AjvError[]; validationContext?: string };

/**
 * Redis or PostgreSQL out of reach (refused, reset, timed out, retries spent). What was under way
 * may or may not have been written: a retry with the same Idempotency-Key finds out.
 */
function isStoreAway(error: object): boolean {
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (message === 'Command timed out' || message === 'Connection is closed.') return true;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code);
}

/** Translates anything thrown while handling a request; null means "unexpected" (500). */
export function problemFromError(error: unknown): Problem | null {
  if (error instanceof ProblemError) return error.problem;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as MaybeFastifyError;
  if (Array.isArray(e.validation)) return validationProblem(e.validation, e.validationContext);
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'MALFORMED_JSON', detail: 'the body is not valid JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'the request body is larger than this server accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send the body as application/json' };
  }
  if (isStoreAway(error)) {
    const detail = 'a database of the sale does not answer; try again shortly, with the same Idempotency-Key';
    return { code: 'SERVICE_UNAVAILABLE', detail };
  }
  if (e.statusCode === 413) return { code: 'PAYLOAD_TOO_LARGE', detail: 'the request body is too large' };
  if (e.statusCode === 415)
    return { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send the body as application/json' };
  // Fastify's other client errors (bad URL encoding, a wrong Content-Length, …): their messages
  // are written for clients and say nothing about the inside.
  if (
    typeof e.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500 &&
    typeof e.code === 'string' &&
    e.code.startsWith('FST_')
  ) {
    return { code: 'BAD_REQUEST', detail: e.message ?? 'bad request' };
  }
  return null;
}

/** The one error handler and the not-found handler. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const problem = problemFromError(error);
    if (problem?.code === 'SERVICE_UNAVAILABLE') {
      // A store away is logged here; a refusal the engine decided (its Redis lost counts) was
      // logged once where it was found, not once per request.
      if (!(error instanceof ProblemError))
        request.log.error({ err: error }, 'a database of the sale does not answer');
      reply.header('retry-after', '1');
    }
    if (problem) return sendProblem(reply, problem);
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(reply, {
      code: 'INTERNAL',
      detail: 'something went wrong on our side; the error is logged',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      code: 'NOT_FOUND',
      detail: `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`,
    }),
  );
}
