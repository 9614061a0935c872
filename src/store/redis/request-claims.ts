// An Idempotency-Key claimed across servers (issue: beyond one machine). Within one process the
// idempotency layer shares one execution between concurrent retries; across servers this claim
// does it: the first server to SET the key NX runs the request, the others wait for its recorded
// answer. The holder renews the claim while the request runs, so a slow request (a payment trying
// every channel, a stalled commit) is never run a second time by a retry elsewhere; a server that
// dies stops renewing, and its claim expires on its own. Renewal and release touch the claim only
// while it is still this holder's (its token), never one another server took after it expired.
import { createHash, randomBytes } from 'node:crypto';
import type { HeldClaim, RequestClaim } from '../ports.ts';
import type { HotClient } from './hot-scripts.ts';

const RENEW_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const DELETE_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisRequestClaims {
  constructor(
    private readonly client: HotClient,
    private readonly prefix: string,
  ) {}

  /** Claims the key for this server, or answers the request hash of the server that holds it. */
  async claim(buyerId: string, key: string, requestHash: string, ttlMs: number): Promise<RequestClaim> {
    const redisKey = this.keyOf(buyerId, key);
    const value = `${requestHash}:${randomBytes(8).toString('hex')}`;
    for (;;) {
      if ((await this.client.set(redisKey, value, 'PX', ttlMs, 'NX')) === 'OK')
        return { held: true, claim: this.held(redisKey, value) };
      const holder = await this.client.get(redisKey);
      // A hash is hex: the holder's is what comes before its token (a server of the version before
      // tokens wrote the bare hash).
      if (holder !== null) return { held: false, holderHash: holder.split(':')[0]! };
      // It expired in between: try again.
    }
  }

  async isHeld(buyerId: string, key: string): Promise<boolean> {
    return (await this.client.exists(this.keyOf(buyerId, key))) === 1;
  }

  private held(redisKey: string, value: string): HeldClaim {
    return {
      renew: async (ttlMs) => Number(await this.client.eval(RENEW_IF_MINE, 1, redisKey, value, ttlMs)) === 1,
      release: async () => {
        await this.client.eval(DELETE_IF_MINE, 1, redisKey, value);
      },
    };
  }

  /** Buyer ids and keys are client text: hashed, so no brace in them picks a cluster slot. */
  private keyOf(buyerId: string, key: string): string {
    const digest = createHash('sha256').update(buyerId).update('\u0000').update(key).digest('hex');
    return `${this.prefix}:request:${digest.slice(0, 32)}`;
  }
}
