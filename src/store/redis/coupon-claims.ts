// Coupon claims (领券) with issue caps: claims from every server together stay within the coupon's
// total and each buyer's share, counted by one script in the coupon's slot (`{c:<couponId>}`). The
// wallet row is written to PostgreSQL afterwards, so each claim stays open until claimWritten; the
// reconciler lists claims left open and gives back those whose row never got there (unclaim).
import { strict as assert } from 'node:assert';
import type { HotContext } from './hot-context.ts';
import type { ScriptReply } from './hot-scripts.ts';
import type { ClaimCounts, CouponClaim, CouponClaimResult, OpenClaim } from './hot-types.ts';
import { openEntries } from './open-listing.ts';
import { HotKeys } from './redis-keys.ts';
import { claimReply } from './scripts.ts';

export class CouponClaims {
  /** Coupons this process has put in the registry (the set the reconciler's listing reads). */
  private readonly registered = new Map<string, Promise<void>>();

  constructor(private readonly ctx: HotContext) {}

  /** Counts the claim against the caps and records it open. Idempotent per walletId. */
  async claim(c: CouponClaim): Promise<CouponClaimResult> {
    assert(c.total === null || (Number.isSafeInteger(c.total) && c.total >= 0), `bad total ${c.total}`);
    assert(Number.isSafeInteger(c.perBuyer) && c.perBuyer >= 1, `bad perBuyer ${c.perBuyer}`);
    assert(c.buyerId.length > 0 && c.walletId.length > 0, 'buyer and wallet ids must be non-empty');
    assert(Number.isSafeInteger(c.at), `claim time must be epoch ms, got ${c.at}`);
    const record = this.record(c.couponId, c.walletId);
    await this.register(c.couponId);
    const reply = await this.ctx.scripts.couponClaim(
      record,
      c.walletId,
      c.buyerId,
      c.total ?? -1,
      c.perBuyer,
      c.at,
    );
    return decodeClaim(c, reply);
  }

  /** The wallet row is in PostgreSQL: the claim is kept for good. */
  async written(couponId: string, walletId: string): Promise<void> {
    await this.finish(couponId, walletId, 'written');
  }

  /** The wallet row never reached PostgreSQL: an open claim is given back. True when this call did. */
  async unclaim(couponId: string, walletId: string): Promise<boolean> {
    return (await this.finish(couponId, walletId, 'unclaim')) === 1;
  }

  async counts(couponId: string, buyerId: string): Promise<ClaimCounts> {
    const key = HotKeys.claimCounts(this.base(couponId));
    const [total, byBuyer] = await this.ctx.client.hmget(key, 'total', `b:${buyerId}`);
    return { total: Number(total ?? 0), byBuyer: Number(byBuyer ?? 0) };
  }

  /** Claims still open that were made at or before `cutoffMs`, oldest first. */
  async open(cutoffMs: number, limit: number): Promise<OpenClaim[]> {
    const { ctx } = this;
    const open = await openEntries(
      ctx,
      ctx.keys.coupons,
      (id) => HotKeys.claims(this.base(id)),
      cutoffMs,
      limit,
    );
    const records = await Promise.all(
      open.map((e) => ctx.client.hmget(this.record(e.id, e.member), 'state', 'buyer')),
    );
    // A claim written or given back since the listing read its slot is no longer open.
    return open.flatMap((e, i) => {
      const [state, buyerId] = records[i]!;
      return state === 'open' && buyerId ? [{ couponId: e.id, walletId: e.member, buyerId, at: e.at }] : [];
    });
  }

  private finish(couponId: string, walletId: string, mode: 'written' | 'unclaim'): Promise<number> {
    assert(walletId.length > 0, 'wallet id must be non-empty');
    const record = this.record(couponId, walletId);
    return this.ctx.scripts.couponFinish(record, walletId, mode, this.ctx.finishedTtlSeconds);
  }

  private base(couponId: string): string {
    return this.ctx.keys.base(this.ctx.keys.couponTag(couponId));
  }

  private record(couponId: string, walletId: string): string {
    return HotKeys.claim(this.base(couponId), walletId);
  }

  /** Before a coupon's first claim, so the listing never misses an open claim; once per process. */
  private register(couponId: string): Promise<void> {
    let done = this.registered.get(couponId);
    if (!done) {
      done = this.ctx.client.sadd(this.ctx.keys.coupons, couponId).then(() => undefined);
      this.registered.set(couponId, done);
      done.catch(() => this.registered.delete(couponId));
    }
    return done;
  }
}

function decodeClaim(c: CouponClaim, reply: ScriptReply): CouponClaimResult {
  switch (reply[0]) {
    case claimReply.claimed:
    case claimReply.replayed:
      return { ok: true };
    case claimReply.soldOut:
      return { ok: false, code: 'COUPON_SOLD_OUT', total: Number(reply[1]) };
    case claimReply.limitReached:
      return { ok: false, code: 'CLAIM_LIMIT_REACHED', perBuyer: Number(reply[1]) };
    case claimReply.otherBuyer:
      // A wallet row belongs to one buyer: the same wallet id for another buyer is a caller's bug.
      return assert.fail(`wallet ${c.walletId} already holds a claim of buyer ${reply[1]}, not ${c.buyerId}`);
    default:
      throw new Error(`unexpected reply from the coupon-claim script: ${JSON.stringify(reply)}`);
  }
}
