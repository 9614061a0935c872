// Loads one GET endpoint for a page: data, or the ApiError that came back instead.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(path: string, onUnauthorized: () => void): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is the reload trigger
  useEffect(() => {
    let current = true;
    setLoading(true);
    api.get<T>(path).then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        const failure = e instanceof ApiError ? e : new ApiError(0, { code: 'CLIENT', detail: String(e) });
        if (failure.status === 401) onUnauthorized();
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [path, round, onUnauthorized]);

  return { data, error, loading, reload };
}
