// What every part of the hot ledger shares: the client, the key layout, the installed scripts and
// the registry cache. Built once by RedisHotLedger.
import type { HotRegistry } from './hot-registry.ts';
import type { HotClient, HotScripts } from './hot-scripts.ts';
import type { HotKeys } from './redis-keys.ts';

export interface HotContext {
  client: HotClient;
  keys: HotKeys;
  scripts: HotScripts;
  registry: HotRegistry;
  /** TTL of finished reservation records (0 = keep). */
  finishedTtlSeconds: number;
}
