// Installs the ledger's Lua scripts on an ioredis client (standalone or Cluster) and gives them
// types. ioredis' defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, per connection,
// so a restarted or newly added cluster node gets the script without a manual SCRIPT LOAD.
import type { Cluster, Redis } from 'ioredis';
import { FINISH_LUA, OPEN_LUA, RESERVE_LUA, RESTOCK_LUA } from './scripts.ts';

export type HotClient = Redis | Cluster;
export type ScriptArg = string | number;
export type ScriptReply = (string | number)[];
export type FinishMode = 'commit' | 'release' | 'drop';

export interface HotScripts {
  /** argv: orderId, at, buyerId, lineCount, takeCount, … (see RESERVE_LUA). */
  reserve(record: string, argv: readonly ScriptArg[]): Promise<ScriptReply>;
  finish(
    record: string,
    orderId: string,
    mode: FinishMode,
    ttlSeconds: number,
    tombstone: '0' | '1',
  ): Promise<string[]>;
  open(counter: string, ...fieldValues: ScriptArg[]): Promise<number>;
  restock(stock: string, qty: number): Promise<number>;
}

// Names are namespaced so another module's defineCommand on the same client cannot clash.
const names = {
  reserve: 'dacuHotReserve',
  finish: 'dacuHotFinish',
  open: 'dacuHotOpen',
  restock: 'dacuHotRestock',
} as const;

// ioredis flattens array arguments, so the reserve's argument list is passed on without copying.
type Installed = Record<
  (typeof names)[keyof typeof names],
  (...args: (ScriptArg | readonly ScriptArg[])[]) => Promise<unknown>
>;

export function installScripts(client: HotClient): HotScripts {
  client.defineCommand(names.reserve, { numberOfKeys: 1, lua: RESERVE_LUA });
  client.defineCommand(names.finish, { numberOfKeys: 1, lua: FINISH_LUA });
  client.defineCommand(names.open, { numberOfKeys: 1, lua: OPEN_LUA });
  client.defineCommand(names.restock, { numberOfKeys: 1, lua: RESTOCK_LUA });
  // defineCommand adds methods at run time that ioredis' types cannot know about.
  const c = client as unknown as Installed;
  return {
    reserve: (record, argv) => c[names.reserve](record, argv) as Promise<ScriptReply>,
    finish: (record, orderId, mode, ttl, tombstone) =>
      c[names.finish](record, orderId, mode, ttl, tombstone) as Promise<string[]>,
    open: (counter, ...fieldValues) => c[names.open](counter, ...fieldValues) as Promise<number>,
    restock: (stock, qty) => c[names.restock](stock, qty) as Promise<number>,
  };
}
