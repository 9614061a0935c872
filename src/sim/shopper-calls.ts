// What every shopper behaviour shares: the session it plays, the environment it plays in, and the
// one way it talks to the API (retrying transport failures with the same request, so the same
// Idempotency-Key). Paying one store order lives here too: `pay`, `pay-deposit` and `pay-balance`
// all go through POST /api/orders/:id/pay, and the answer says what was paid.
import type { StockLine } from '../domain/stock-ledger.ts';
import type { ShopperClient } from './http-client.ts';
import type { Endpoint } from './latency.ts';
import { MIX } from './mix.ts';
import type { AcknowledgedStoreOrder, OrderBook } from './order-book.ts';
import { Random, STREAM, seedFor } from './random.ts';
import type { ShopperPlan, ShopperWorld, Step } from './shopper.ts';

export interface ShopperEnv {
  client: ShopperClient;
  book: OrderBook;
  world: ShopperWorld;
  /** Makes buyer ids and keys unique per run (a server may have seen an earlier rehearsal). */
  runTag: string;
  /** Waits a simulated duration; false when the run is stopping and the shopper should leave. */
  sleepSim(simMs: number): Promise<boolean>;
  /**
   * Leaves and comes back when the day reaches this offset (a balance to pay in the evening): the
   * driver treats the return like an arrival. False when the run stops first.
   */
  comeBackAt(offsetMs: number): Promise<boolean>;
  /** The server's clock, as far as the driver knows it (for deadlines). */
  serverNow(): number;
}

export interface PlacedOrder extends AcknowledgedStoreOrder {
  /** Index in the order book. */
  book: number;
}

/** A coupon or red envelope the shopper holds: a wallet entry id, or the coupon id itself when the
 *  entry was claimed on an earlier visit (the server then takes the buyer's first usable one). */
export interface WalletHeld {
  id: string;
  couponId: string;
  /** Red envelopes: the balance when claimed (fen); null for threshold coupons or unknown. */
  balanceFen: number | null;
}

export interface QuoteSeen {
  payable: number;
  savings: number;
  hints: { id: string; kind: string; storeId: string | null; needed: number }[];
  /** Discounts that applied, by promotion or coupon id (a top-up reached its threshold if it grew). */
  applied: { id: string; amount: number }[];
}

export interface ShopperSession {
  plan: ShopperPlan;
  buyerId: string;
  lines: StockLine[];
  wallet: WalletHeld[];
  quote: QuoteSeen | null;
  placed: PlacedOrder[];
}

export type Behaviour<S extends Step = Step> = (
  env: ShopperEnv,
  session: ShopperSession,
  step: S,
) => Promise<void>;

/** Transport failures are retried (the same request, so the same Idempotency-Key) this often. */
const TRANSPORT_RETRIES = 3;
const RETRY_BACKOFF_MS = 50;

export async function call(
  env: ShopperEnv,
  endpoint: Endpoint,
  method: 'GET' | 'POST',
  path: string,
  options: Parameters<ShopperClient['call']>[3],
) {
  let reply = await env.client.call(endpoint, method, path, options);
  for (let attempt = 1; reply.status === 0 && attempt <= TRANSPORT_RETRIES; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS * 2 ** attempt));
    reply = await env.client.call(endpoint, method, path, options);
  }
  return reply;
}

export function codeOf(reply: { body: unknown }): string | undefined {
  const body = reply.body as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code : undefined;
}

export function unexpected(
  env: ShopperEnv,
  endpoint: string,
  reply: { status: number; body: unknown; error?: string },
) {
  const body = reply.body as { detail?: unknown } | undefined;
  const detail = reply.error ?? (typeof body?.detail === 'string' ? body.detail : '');
  env.book.error(endpoint, reply.status, codeOf(reply), detail);
}

/**
 * The channel shopper `index` names when paying (undefined when the server lists none): the first
 * of the server's channels most often, as shoppers pick Alipay, then WeChat Pay, then the rest. A
 * stream of its own, so the rest of the day plays as it did.
 */
export function payChannelOf(world: ShopperWorld, index: number): string | undefined {
  const channels = world.payChannels;
  if (channels.length === 0) return undefined;
  const shares = MIX.payChannelWeights;
  const weights = channels.map((_, k) =>
    k < shares.length - 1 ? shares[k]! : shares.at(-1)! / Math.max(1, channels.length - shares.length + 1),
  );
  return channels[new Random(seedFor(world.seed, STREAM.pay, index)).weightedIndex(weights)];
}

/**
 * Pays what one store order owes now: all of it, or a pre-sale's deposit (the answer says
 * deposit_paid), or, from the balance window on, a pre-sale's balance. Refusals that are business
 * outcomes (a failed channel, an order that expired or forfeited meanwhile) are counted, not errors.
 */
export async function payOne(
  env: ShopperEnv,
  session: ShopperSession,
  o: PlacedOrder,
  what: 'pay' | 'balance' = 'pay',
): Promise<void> {
  const { book } = env;
  const key = `${env.runTag}-${session.plan.index}-${what}-${o.book}`;
  book.counts.payments += 1;
  const path = `/api/orders/${encodeURIComponent(o.id)}/pay`;
  const endpoint = what === 'balance' ? 'pay-balance' : 'pay';
  const channel = payChannelOf(env.world, session.plan.index);
  const reply = await call(env, endpoint, 'POST', path, {
    buyer: session.buyerId,
    idempotencyKey: key,
    ...(channel === undefined ? {} : { json: { channel } }),
  });
  const code = codeOf(reply);
  if (reply.status === 200 && reply.body.channel !== 'none') book.counts.channelPayments += 1;
  if (reply.status === 200 && reply.body.status === 'deposit_paid')
    book.markDepositPaid(o.book, o.presale?.balanceEndsAt ?? null);
  else if (reply.status === 200) {
    book.markPaid(o.book);
    if (what === 'balance') book.counts.balancesPaid += 1;
  } else if (reply.status === 402) {
    book.counts.paymentFailures += 1; // stays as it was; expires (or forfeits) at its deadline
    book.reject(code ?? 'PAYMENT_FAILED');
  } else if (code === 'ORDER_EXPIRED' || code === 'ORDER_FORFEITED') {
    if (code === 'ORDER_EXPIRED') book.counts.expiredBeforePaying += 1;
    book.markClosed(o.book, code === 'ORDER_EXPIRED' ? 'expired' : 'forfeited');
    book.reject(code);
  } else if (code === 'BALANCE_WINDOW_CLOSED' || code === 'BALANCE_WINDOW_NOT_OPEN') {
    book.reject(code); // still deposit_paid: forfeited at the balance deadline
  } else {
    if (outcomeUnknown(reply)) book.markUnknown(o.book);
    unexpected(env, endpoint, reply);
  }
}

/**
 * No answer, or the server failed while answering: what the request did is not known. A refusal
 * the server meant (any other 4xx) changed nothing, so the order stays as the shoppers knew it and
 * the read-back judges it by that.
 */
export function outcomeUnknown(reply: { status: number }): boolean {
  return reply.status === 0 || reply.status >= 500;
}
