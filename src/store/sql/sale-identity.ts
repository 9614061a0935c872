// The sale a database holds. The first server to start on a database names it: a random sale id
// and the id of the campaign it sells; every later start reads them back. A server started with
// another campaign's file is refused (its stock, orders and timers belong to that campaign), and
// servers that share Redis key their counters by the sale id, so two databases on one Redis (a
// staging copy beside production) never share or reconcile each other's stock.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TradeDatabase } from './schema.ts';

export interface SaleIdentity {
  saleId: string;
  /** The campaign this database sells. */
  campaignId: string;
  /** The digest of the campaign file the sale's last server started with (null before any did). */
  campaignDigest: string | null;
  /** Shared backends: this sale's counters were opened in Redis (so Redis must still hold them). */
  redisOpened: boolean;
}

export async function claimSale(db: Kysely<TradeDatabase>, campaignId: string): Promise<SaleIdentity> {
  await db
    .insertInto('sale')
    .values([
      { key: 'sale_id', value: randomUUID() },
      { key: 'campaign_id', value: campaignId },
    ])
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = new Map((await db.selectFrom('sale').selectAll().execute()).map((r) => [r.key, r.value]));
  return {
    saleId: rows.get('sale_id')!,
    campaignId: rows.get('campaign_id')!,
    campaignDigest: rows.get('campaign_digest') ?? null,
    redisOpened: rows.get('redis_opened') === 'yes',
  };
}

/** This server starts with the campaign file of this digest: the sale's servers run it from now on. */
export async function recordCampaignDigest(db: Kysely<TradeDatabase>, digest: string): Promise<void> {
  await db
    .insertInto('sale')
    .values({ key: 'campaign_digest', value: digest })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: digest }))
    .execute();
}

/** Shared backends: Redis holds this sale's counters from now on. */
export async function markRedisOpened(db: Kysely<TradeDatabase>): Promise<void> {
  await db
    .insertInto('sale')
    .values({ key: 'redis_opened', value: 'yes' })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
