// The server's clock, ticking between snapshots: countdowns to payment deadlines must move even
// when nothing else on the board changes (the stream only pushes changes). The server's clock may
// be set apart from the wall clock (a rehearsal), so it is the last snapshot's `at` plus the
// time since it arrived.
import { useEffect, useState } from 'react';
import { toMs } from '../format/time.ts';

const TICK_MS = 1_000;

export function useServerNow(at: string | null): number | null {
  const [offsetMs, setOffsetMs] = useState<number | null>(null);
  const [, setTick] = useState(0);
  useEffect(() => {
    const atMs = toMs(at);
    setOffsetMs(atMs === null ? null : atMs - Date.now());
  }, [at]);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return offsetMs === null ? null : Date.now() + offsetMs;
}
