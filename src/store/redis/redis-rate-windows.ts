// Rate limit windows in Redis, shared by every server of a sale: one INCR per hit, the window's
// expiry set by its first hit, in one script so a window never outlives its TTL.
import { createHash } from 'node:crypto';
import type { RateWindows } from '../../support/rate-windows.ts';
import type { HotClient } from './hot-scripts.ts';

const HIT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n <= tonumber(ARGV[2]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 1 then return 1 end
return left`;

export class RedisRateWindows implements RateWindows {
  constructor(
    private readonly client: HotClient,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    // Keys are client text (buyer ids): hashed, so no brace in them picks a cluster slot.
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const reply = await this.client.eval(HIT_LUA, 1, `${this.prefix}:rate:${digest}`, windowMs, limit);
    return Number(reply);
  }
}
