// The funnel's first two steps in Redis, shared by every server of a sale (support/sale-wide-funnel.ts):
//   <prefix>:{funnel}:furthest   hash buyerId → furthest first step (0 visited, 1 priced)
//   <prefix>:{funnel}:counts     hash 0 → visited, 1 → priced, uncounted → reaches left out
// One script moves a batch of shoppers, so a step's count and the shoppers in it never disagree;
// both keys share a hash tag, so the script runs on one node of a Redis Cluster.
import type { FirstStep, SaleWideFunnel } from '../../support/sale-wide-funnel.ts';
import type { HotClient } from './hot-scripts.ts';

const ADD_LUA = `
local max = tonumber(ARGV[1])
local size = redis.call('HLEN', KEYS[1])
for i = 2, #ARGV, 2 do
  local had = redis.call('HGET', KEYS[1], ARGV[i])
  local from = -1
  if had then from = tonumber(had) end
  local to = tonumber(ARGV[i + 1])
  if not had and size >= max then
    redis.call('HINCRBY', KEYS[2], 'uncounted', 1)
  elseif to > from then
    if not had then size = size + 1 end
    redis.call('HSET', KEYS[1], ARGV[i], to)
    for step = from + 1, to do redis.call('HINCRBY', KEYS[2], step, 1) end
  end
end
return size`;

export class RedisFunnel implements SaleWideFunnel {
  private readonly furthest: string;
  private readonly counts: string;

  constructor(
    private readonly client: HotClient,
    prefix: string,
  ) {
    this.furthest = `${prefix}:{funnel}:furthest`;
    this.counts = `${prefix}:{funnel}:counts`;
  }

  async add(reaches: ReadonlyArray<readonly [string, FirstStep]>, buyersMax: number): Promise<void> {
    if (reaches.length === 0) return;
    await this.client.eval(ADD_LUA, 2, this.furthest, this.counts, buyersMax, ...reaches.flat());
  }

  async read(): Promise<{ visited: number; priced: number; uncounted: number }> {
    const [visited, priced, uncounted] = await this.client.hmget(this.counts, '0', '1', 'uncounted');
    return { visited: Number(visited ?? 0), priced: Number(priced ?? 0), uncounted: Number(uncounted ?? 0) };
  }
}
