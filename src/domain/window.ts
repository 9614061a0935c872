import type { Instant, TimeWindow } from './campaign.ts';

/** Windows are half-open, [start, end): an offer ending at 20:30 is gone at 20:30:00.000. */
export function isOpenAt(window: TimeWindow, atMs: Instant): boolean {
  return (
    (window.startMs === null || atMs >= window.startMs) && (window.endMs === null || atMs < window.endMs)
  );
}

export const ALWAYS: TimeWindow = { startMs: null, endMs: null };
