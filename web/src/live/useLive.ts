// The live numbers: one GET for a fast first paint, then the SSE stream (event `snapshot`). The
// browser's EventSource reconnects by itself and sends Last-Event-ID; when the server refuses the
// stream outright (a restart, a 401) it gives up, so we open a new one after a pause.
import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { LiveSnapshot } from '../api/types.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

const STREAM_PATH = '/api/live/stream';
const SNAPSHOT_PATH = '/api/live/snapshot';
const REOPEN_DELAY_MS = 3_000;
/** After this many refused reopenings in a row the badge says offline (it keeps trying). */
const REOPENS_BEFORE_OFFLINE = 3;

export function useLive(onUnauthorized: () => void): {
  snapshot: LiveSnapshot | null;
  state: ConnectionState;
} {
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null);
  const [state, setState] = useState<ConnectionState>('connecting');

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let refusals = 0;

    // The stream's snapshots are authoritative; the GET only fills the screen until the first one.
    api.get<LiveSnapshot>(SNAPSHOT_PATH).then(
      (first) => {
        if (!stopped) setSnapshot((current) => current ?? first);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401 && !stopped) onUnauthorized();
      },
    );

    const checkSession = () =>
      api.get('/api/auth/me').catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401 && !stopped) onUnauthorized();
      });

    const open = () => {
      if (stopped) return;
      const es = new EventSource(STREAM_PATH);
      source = es;
      es.addEventListener('open', () => {
        refusals = 0;
        setState('live');
      });
      es.addEventListener('snapshot', (event) => {
        try {
          const next = JSON.parse((event as MessageEvent<string>).data) as LiveSnapshot;
          setSnapshot(next);
          setState('live');
        } catch {
          // A torn message: the next snapshot replaces it anyway.
        }
      });
      es.addEventListener('error', () => {
        if (stopped) return;
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          refusals += 1;
          setState(refusals >= REOPENS_BEFORE_OFFLINE ? 'offline' : 'reconnecting');
          void checkSession();
          reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
        } else {
          setState('reconnecting');
        }
      });
    };
    open();

    return () => {
      stopped = true;
      clearTimeout(reopenTimer);
      source?.close();
    };
  }, [onUnauthorized]);

  return { snapshot, state };
}
