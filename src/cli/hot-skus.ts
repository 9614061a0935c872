// `--hot-sku SKU=BUCKETS` (repeatable; shared backend only): a SKU expected to draw a rush of
// buyers (爆款, a flash session's phone) keeps its stock in BUCKETS counters in slots of their own
// instead of its store's slot, so on a Redis Cluster its checkouts spread over the masters
// (store/redis/bucket-parts.ts). Each line is taken from one bucket, so a bucket should hold more
// than a buyer may take at once. The layout is fixed when the sale's counters open and recorded in
// Redis; servers started later follow what Redis says, and `dacu redis rebuild` may change it.
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { CliError } from './cli-error.ts';

/** Buckets beyond a Cluster's masters buy nothing; this bounds a typo, not a deployment. */
export const HOT_SKU_BUCKETS_MAX = 64;

/** `phone=8` → phone in 8 buckets; `phone=0` keeps it in its store's slot (for a rebuild). */
export function hotSkusFrom(specs: readonly string[] | undefined, index: CampaignIndex): Map<string, number> {
  const buckets = new Map<string, number>();
  for (const spec of specs ?? []) {
    const match = /^([^=\s]+)=(\d{1,3})$/.exec(spec.trim());
    const n = Number(match?.[2]);
    if (!match || n > HOT_SKU_BUCKETS_MAX)
      throw new CliError(
        `--hot-sku must be SKU=BUCKETS with BUCKETS from 0 to ${HOT_SKU_BUCKETS_MAX} (e.g. phone-x=8), got "${spec}"`,
      );
    const sku = match[1]!;
    if (!index.items.has(sku)) throw new CliError(`--hot-sku ${spec}: the campaign has no SKU "${sku}"`);
    if (buckets.has(sku)) throw new CliError(`--hot-sku names ${sku} twice`);
    buckets.set(sku, n);
  }
  return buckets;
}

/**
 * What the flags asked for and Redis already holds otherwise: a SKU's layout is fixed when its
 * counters first open, so the flag changes nothing until a rebuild.
 */
export function hotSkuMismatches(
  asked: ReadonlyMap<string, number>,
  opened: ReadonlyMap<string, number>,
): string[] {
  const differ: string[] = [];
  for (const [sku, buckets] of asked) {
    const held = opened.get(sku) ?? 0;
    if (held !== buckets) differ.push(`${sku} is in ${describeBuckets(held)}, not ${buckets}`);
  }
  return differ;
}

export function describeBuckets(buckets: number): string {
  return buckets === 0 ? "its store's slot" : `${buckets} bucket${buckets === 1 ? '' : 's'}`;
}

export function hotSkuWarning(differ: readonly string[]): string {
  return `dacu: warning: --hot-sku changes nothing for counters this sale already opened (${differ.join('; ')}); stop every server and run \`dacu redis rebuild --hot-sku …\` to lay them out again.`;
}
