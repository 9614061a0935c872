// Idempotency-Key: a retried request returns the first result, and the same key never makes two
// orders. The result is written in the same transaction as what it acknowledges (the use-case
// calls `record` before it waits for its commit); concurrent retries share one execution.
import { fail, type Outcome, PROBLEM_STATUS, type ProblemCode } from './problem.ts';
import type { TradeContext } from './trade-context.ts';

export interface IdempotencyRequest {
  buyerId: string;
  key: string;
  /** Hash of the request (route + body): the same key with another request is refused. */
  hash: string;
}

export type Recorder<T> = (outcome: Outcome<T>) => void;

/** Failures that a retry may turn into a success: never replayed, the retry runs again. */
const TRANSIENT: ReadonlySet<ProblemCode> = new Set([
  'PAYMENT_IN_PROGRESS',
  'PAYMENT_FAILED',
  'RATE_LIMITED',
  'INTERNAL',
]);

export class IdempotencyKeys {
  private readonly inflight = new Map<string, { hash: string; result: Promise<Outcome<unknown>> }>();

  async run<T>(
    ctx: TradeContext,
    idem: IdempotencyRequest | undefined,
    execute: (record: Recorder<T>) => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    if (!idem) return execute(() => {});
    const mapKey = `${idem.buyerId}\u0000${idem.key}`;
    const running = this.inflight.get(mapKey);
    if (running) return running.hash === idem.hash ? (running.result as Promise<Outcome<T>>) : reused();
    const stored = await ctx.store.getIdempotent(idem.buyerId, idem.key);
    if (stored)
      return stored.requestHash === idem.hash ? (JSON.parse(stored.response) as Outcome<T>) : reused();
    const again = this.inflight.get(mapKey); // another request may have started while we read
    if (again) return again.hash === idem.hash ? (again.result as Promise<Outcome<T>>) : reused();
    const result = this.execute(ctx, idem, execute);
    this.inflight.set(mapKey, { hash: idem.hash, result });
    try {
      return await result;
    } finally {
      this.inflight.delete(mapKey);
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

function reused<T>(): Outcome<T> {
  return fail('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
}
