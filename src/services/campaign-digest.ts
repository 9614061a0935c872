// Which campaign file a server runs: a short digest of the campaign as parsed (the same content in
// another layout gives the same digest). Servers of one sale must run the same file, or a quote on
// one and an order on another price differently; the digest lets a start, and a load balancer's
// readiness check, tell them apart.
import { createHash } from 'node:crypto';
import type { Campaign } from '../domain/campaign.ts';

export function campaignDigest(campaign: Campaign): string {
  return createHash('sha256').update(JSON.stringify(campaign)).digest('hex').slice(0, 12);
}
