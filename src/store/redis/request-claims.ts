// An Idempotency-Key claimed across servers (issue: beyond one machine). Within one process the
// idempotency layer shares one execution between concurrent retries; across servers this claim
// does it: the first server to SET the key NX runs the request, the others wait for its recorded
// answer. The claim expires on its own, so a server that dies holding it only delays a retry.
import { createHash } from 'node:crypto';
import type { HotClient } from './hot-scripts.ts';

export class RedisRequestClaims {
  constructor(
    private readonly client: HotClient,
    private readonly prefix: string,
  ) {}

  /** Claims the key for this server: null when claimed, else the request hash its holder runs. */
  async claim(buyerId: string, key: string, requestHash: string, ttlMs: number): Promise<string | null> {
    const redisKey = this.keyOf(buyerId, key);
    for (;;) {
      if ((await this.client.set(redisKey, requestHash, 'PX', ttlMs, 'NX')) === 'OK') return null;
      const holder = await this.client.get(redisKey);
      if (holder !== null) return holder; // else it expired in between: try again
    }
  }

  async held(buyerId: string, key: string): Promise<boolean> {
    return (await this.client.exists(this.keyOf(buyerId, key))) === 1;
  }

  async release(buyerId: string, key: string): Promise<void> {
    await this.client.del(this.keyOf(buyerId, key));
  }

  /** Buyer ids and keys are client text: hashed, so no brace in them picks a cluster slot. */
  private keyOf(buyerId: string, key: string): string {
    const digest = createHash('sha256').update(buyerId).update('\u0000').update(key).digest('hex');
    return `${this.prefix}:request:${digest.slice(0, 32)}`;
  }
}
