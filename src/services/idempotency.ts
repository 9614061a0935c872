// Idempotency-Key: a retried request returns the first result, and the same key never makes two
// orders. The result is written in the same transaction as what it acknowledges (the use-case
// calls `record` before it waits for its commit); concurrent retries share one execution, on one
// server through a map of requests in flight, across servers through a claim in Redis.
//
// One server alone keeps a filter of the keys answered (those stored when it started, and those it
// recorded since): a key the filter has never seen has no stored answer, so the first try of a
// request skips the database read. The rehearsal showed that read at a tenth of the server's time.
// With several servers the filter is not kept: another server may have answered the key.
import type { RequestClaims, TradeStore } from '../store/ports.ts';
import { KeyFilter } from '../support/key-filter.ts';
import { fail, type Outcome, PROBLEM_STATUS, type ProblemCode } from './problem.ts';
import type { TradeContext } from './trade-context.ts';

export interface IdempotencyRequest {
  buyerId: string;
  key: string;
  /** Hash of the request (route + body): the same key with another request is refused. */
  hash: string;
}

export type Recorder<T> = (outcome: Outcome<T>) => void;

/** How long a claim outlives a holder that stopped renewing it (a server that died). */
const CLAIM_TTL_MS = 60_000;
/** How long a retry waits for another server's answer before saying it is still running. */
const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 20;

/** Failures that a retry may turn into a success: never replayed, the retry runs again. */
const TRANSIENT: ReadonlySet<ProblemCode> = new Set([
  'PAYMENT_IN_PROGRESS',
  'REQUEST_IN_PROGRESS',
  'PAYMENT_FAILED',
  'PAYMENT_NOT_RECORDED',
  'RATE_LIMITED',
  'INTERNAL',
]);

export class IdempotencyKeys {
  private readonly inflight = new Map<string, { hash: string; result: Promise<Outcome<unknown>> }>();

  /**
   * `answered`: every key with a stored answer is in it, or is added before its answer is stored
   * (the only server of a sale). Without it every new key is looked up in the store.
   */
  constructor(
    private readonly claims?: RequestClaims,
    private readonly answered?: KeyFilter,
    private readonly claimTtlMs = CLAIM_TTL_MS,
  ) {}

  /** The only server of a sale: a filter of the keys stored so far, read from the store. */
  static async ofOneServer(store: Pick<TradeStore, 'forEachIdempotencyKey'>): Promise<IdempotencyKeys> {
    const answered = new KeyFilter();
    await store.forEachIdempotencyKey((buyerId, key) => answered.add(mapKeyOf(buyerId, key)));
    return new IdempotencyKeys(undefined, answered);
  }

  async run<T>(
    ctx: TradeContext,
    idem: IdempotencyRequest | undefined,
    execute: (record: Recorder<T>) => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    if (!idem) return execute(() => {});
    const mapKey = mapKeyOf(idem.buyerId, idem.key);
    const running = this.inflight.get(mapKey);
    if (running) return running.hash === idem.hash ? (running.result as Promise<Outcome<T>>) : reused();
    const stored = this.answered?.mayHave(mapKey) === false ? null : await this.stored<T>(ctx, idem);
    if (stored) return stored;
    const again = this.inflight.get(mapKey); // another request may have started while we read
    if (again) return again.hash === idem.hash ? (again.result as Promise<Outcome<T>>) : reused();
    const result = this.claimAndExecute(ctx, idem, execute);
    this.inflight.set(mapKey, { hash: idem.hash, result });
    try {
      return await result;
    } finally {
      this.inflight.delete(mapKey);
    }
  }

  private async stored<T>(ctx: TradeContext, idem: IdempotencyRequest): Promise<Outcome<T> | null> {
    const row = await ctx.store.getIdempotent(idem.buyerId, idem.key);
    if (!row) return null;
    return row.requestHash === idem.hash ? (JSON.parse(row.response) as Outcome<T>) : reused();
  }

  private async claimAndExecute<T>(
    ctx: TradeContext,
    idem: IdempotencyRequest,
    execute: (record: Recorder<T>) => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    const claims = this.claims;
    if (!claims) return this.execute(ctx, idem, execute);
    const waitUntil = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const claimed = await claims.claim(idem.buyerId, idem.key, idem.hash, this.claimTtlMs);
      if (claimed.held) {
        // Kept while the request runs, however long: a retry elsewhere waits for this answer.
        const renewing = setInterval(
          () => void claimed.claim.renew(this.claimTtlMs).catch(() => {}),
          this.claimTtlMs / 3,
        );
        try {
          // Answered before this server claimed the key: replay it.
          return (await this.stored<T>(ctx, idem)) ?? (await this.execute(ctx, idem, execute));
        } finally {
          clearInterval(renewing);
          await claimed.claim.release();
        }
      }
      if (claimed.holderHash !== idem.hash) return reused();
      // Another server runs it: its answer is recorded before it lets the key go.
      while (await claims.isHeld(idem.buyerId, idem.key)) {
        if (Date.now() >= waitUntil)
          return fail('REQUEST_IN_PROGRESS', 'this request is still running on another server; retry it');
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const answered = await this.stored<T>(ctx, idem);
      if (answered) return answered;
      // Let go without an answer (a transient failure, or the server died): run it here.
    }
  }

  private async execute<T>(
    ctx: TradeContext,
    idem: IdempotencyRequest,
    execute: (record: Recorder<T>) => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    let recorded = false;
    const record: Recorder<T> = (outcome) => {
      recorded = true;
      if (!outcome.ok && TRANSIENT.has(outcome.problem.code)) return;
      this.answered?.add(mapKeyOf(idem.buyerId, idem.key));
      ctx.commits.open.idempotency.push({
        buyerId: idem.buyerId,
        key: idem.key,
        requestHash: idem.hash,
        statusCode: outcome.ok ? 200 : PROBLEM_STATUS[outcome.problem.code],
        response: JSON.stringify(outcome),
        createdAt: ctx.clock(),
      });
    };
    const outcome = await execute(record);
    if (!recorded && (outcome.ok || !TRANSIENT.has(outcome.problem.code))) {
      record(outcome);
      await ctx.commits.wait(() => {});
    }
    return outcome;
  }
}

function mapKeyOf(buyerId: string, key: string): string {
  return `${buyerId}\u0000${key}`;
}

function reused<T>(): Outcome<T> {
  return fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
}
