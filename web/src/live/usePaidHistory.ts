// Paid GMV as this page has seen it, one point per snapshot: the series covers only the last ten
// minutes, so a board left open all day draws its own longer line from these.
import { useRef } from 'react';
import type { LiveSnapshot } from '../api/types.ts';
import { toMs } from '../format/time.ts';
import type { Point } from './pacing.ts';

/** Points kept; past this every other one is dropped, so the line thins out but keeps its span. */
const HISTORY_POINTS_MAX = 2_000;

export function usePaidHistory(snapshot: LiveSnapshot | null): readonly Point[] {
  const history = useRef<Point[]>([]);
  const lastSeen = useRef<string | null>(null);
  if (snapshot && snapshot.at !== lastSeen.current) {
    lastSeen.current = snapshot.at;
    const t = toMs(snapshot.at);
    const points = history.current;
    const last = points[points.length - 1];
    // A clock that went back (a restarted server, a replay) starts a new line.
    if (t !== null && last && t < last.t) points.length = 0;
    if (t !== null) points.push({ t, v: snapshot.gmv.paid });
    if (points.length > HISTORY_POINTS_MAX)
      history.current = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
  }
  return history.current;
}
