// dacu redis check|rebuild --campaign FILE [--db postgres://…] [--redis redis://…] [--redis-prefix P]
// The counters of a shared sale (PostgreSQL + Redis) against the database's orders and wallets
// (services/shared/counter-audit.ts). `check` only reads: exit 0 when Redis holds at least what the
// database does, 1 with the counters it lost. `rebuild` counts them again from the database
// (services/shared/rebuild-counters.ts), with every server of the sale stopped.
import { type CampaignIndex, indexCampaign } from '../../domain/campaign-index.ts';
import { auditCounters, describeLoss } from '../../services/shared/counter-audit.ts';
import { rebuildCounters } from '../../services/shared/rebuild-counters.ts';
import { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import { markRedisOpened } from '../../store/sql/sale-identity.ts';
import { CliError } from '../cli-error.ts';
import { describeBuckets, hotSkusFrom } from '../hot-skus.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import {
  lostCountersMessage,
  markerKeyOf,
  openSharedSale,
  type SharedSale,
  settledBefore,
} from '../trade-backend.ts';

export interface RedisCommandOptions {
  campaign: string;
  db?: string;
  redis?: string;
  redisPrefix?: string;
  /** rebuild only: `SKU=BUCKETS` to lay a SKU out again (cli/hot-skus.ts). */
  hotSku?: string[];
}

/** What a command prints and the exit status it ends with. */
export interface CommandResult {
  output: string;
  exitCode: number;
}

async function withSale<T>(
  options: RedisCommandOptions,
  run: (sale: SharedSale, index: CampaignIndex) => Promise<T>,
): Promise<T> {
  const db = options.db ?? process.env.DATABASE_URL;
  const redis = options.redis ?? process.env.REDIS_URL;
  if (!db) throw new CliError("--db: name the sale's postgres://… database (or set DATABASE_URL)");
  if (!redis) throw new CliError("--redis: name the sale's redis://… (or set REDIS_URL)");
  const index = indexCampaign(await loadCampaignForCli(options.campaign));
  const sale = await openSharedSale({ db, redis, redisPrefix: options.redisPrefix }, index);
  try {
    return await run(sale, index);
  } finally {
    await sale.close();
  }
}

export function redisCheckCommand(options: RedisCommandOptions): Promise<CommandResult> {
  return withSale(options, async (sale, index) => {
    if (sale.marker === null && !sale.sale.redisOpened)
      return {
        output: `Redis ${sale.prefix} holds no counters of this sale yet: the first server started with --redis opens them.`,
        exitCode: 0,
      };
    const losses = await auditCounters(index, sale.store, sale.hot, await settledBefore(sale.hot));
    if (losses.length > 0) return { output: lostCountersMessage(losses), exitCode: 1 };
    return {
      output: `Redis ${sale.prefix} holds every count the database's orders and coupon claims stand on (sale ${sale.sale.saleId}).`,
      exitCode: 0,
    };
  });
}

/**
 * The bucket layout the rebuilt counters open with: what Redis had for each SKU (read before its
 * keys are dropped), changed where --hot-sku names a SKU. A Redis that lost the layout with the
 * counters has nothing to keep: the SKUs must be named again.
 */
async function bucketsAfterRebuild(
  sale: SharedSale,
  index: CampaignIndex,
  asked: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const held = await sale.hot.bucketLayouts([...index.items.keys()]);
  return new Map([...held, ...asked]);
}

export function redisRebuildCommand(options: RedisCommandOptions): Promise<CommandResult> {
  return withSale(options, async (sale, index) => {
    const started = performance.now();
    const asked = hotSkusFrom(options.hotSku, index); // a bad flag is refused before anything changes
    // The marker goes first: a server starting from now on is refused (Redis lost the counters);
    // then no server of the sale may still be connected.
    await sale.client.del(markerKeyOf(sale.prefix));
    const running = await sale.hot.notices().listeners('sold-out-actions');
    if (running > 0) {
      if (sale.marker !== null) await sale.client.set(markerKeyOf(sale.prefix), sale.marker);
      throw new CliError(
        `--redis: ${running} server(s) of this sale are connected to ${sale.prefix}; stop every server first (a checkout during the rebuild would be counted twice or not at all)`,
      );
    }
    const buckets = await bucketsAfterRebuild(sale, index, asked);
    const hot = new RedisHotLedger(sale.client, sale.prefix, { buckets });
    const rebuilt = await rebuildCounters(index, sale.store, hot);
    const losses = await auditCounters(index, sale.store, hot);
    const lines = [
      `Rebuilt ${sale.prefix} from the database (sale ${sale.sale.saleId}) in ${((performance.now() - started) / 1000).toFixed(1)} s:`,
      `  ${rebuilt.keysDropped} keys dropped; ${rebuilt.stockIds} stock counters opened from the campaign, ${rebuilt.restocks} restock(s) and pre-sale switch(es) added again`,
      `  ${rebuilt.open} unpaid and ${rebuilt.paid} paid order(s) reserved again; ${rebuilt.claims} coupon claim(s) counted again`,
    ];
    const hotShown = [...buckets]
      .filter(([, n]) => n > 0)
      .map(([sku, n]) => `${sku} in ${describeBuckets(n)}`);
    if (hotShown.length > 0) lines.push(`  hot SKUs: ${hotShown.join(', ')}`);
    if (rebuilt.refused.length > 0 || losses.length > 0) {
      const refused = rebuilt.refused.slice(0, 10).map((r) => `  refused: ${r}`);
      const behind = losses.slice(0, 10).map((l) => `  still behind: ${describeLoss(l)}`);
      lines.push(
        ...refused,
        ...behind,
        'The counters do not match the database (was the campaign file changed after the sale began?). Servers stay refused until a rebuild matches.',
      );
      if (hotShown.length > 0)
        lines.push(
          "A line is taken from one bucket: an order's line larger than a hot SKU's buckets can hold is refused; rebuild with fewer buckets (--hot-sku SKU=0 puts a SKU back in its store's slot).",
        );
      return { output: lines.join('\n'), exitCode: 1 };
    }
    await sale.client.set(markerKeyOf(sale.prefix), sale.sale.saleId);
    await markRedisOpened(sale.store.db);
    lines.push('Redis now holds what the database does; the servers can start.');
    return { output: lines.join('\n'), exitCode: 0 };
  });
}
