// Red envelopes (红包): stored value spent last, up to what is left (PRICING.md §6). An inflating
// red envelope (膨胀红包) grows by tasks done before the day and is multiplied on the day.
import type { Instant, RedEnvelope } from '../campaign.ts';
import type { Fen } from '../money.ts';
import { isOpenAt } from '../window.ts';

/** Face value of a red envelope at an instant, after `tasksDone` inflation tasks. */
export function redEnvelopeValue(envelope: RedEnvelope, atMs: Instant, tasksDone: number): Fen {
  const inflate = envelope.inflate;
  if (!inflate) return envelope.amountFen;
  const grown = envelope.amountFen + inflate.perTaskFen * Math.min(Math.max(0, tasksDone), inflate.maxTasks);
  return isOpenAt(inflate.day, atMs) ? Math.round(grown * inflate.dayMultiplier) : grown;
}
