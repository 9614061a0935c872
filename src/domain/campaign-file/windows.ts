// Every window in a campaign is half-open [start, end) (campaign-file.md), so it needs
// end > start; an empty or backwards window is a slip in the file, never intended.
import type { TimeWindow } from '../campaign.ts';
import { formatInstant } from '../zoned-time.ts';
import type { Problems } from './problems.ts';

/** Reports at the end key when both ends are given and the end is not after the start. */
export function checkWindow(
  window: TimeWindow,
  [startKey, endKey]: readonly [string, string],
  problems: Problems,
  timeZone: string,
): void {
  const { startMs, endMs } = window;
  if (startMs === null || endMs === null || endMs > startMs) return;
  problems.add(
    [endKey],
    `${endKey} ${formatInstant(endMs, timeZone)} is not after ${startKey} ${formatInstant(startMs, timeZone)}`,
  );
}
