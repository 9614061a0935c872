import type { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** What a page shows while its data loads or when it could not be had. */
export function LoadState({
  loading,
  error,
  onRetry,
}: {
  loading: boolean;
  error: ApiError | null;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  if (error) {
    const message =
      error.status === 403
        ? t('common.forbidden')
        : t('common.error', { detail: error.problem.detail ?? error.problem.code });
    return (
      <div className="load-state error" role="alert" data-testid="load-error">
        <p>{message}</p>
        {error.status !== 403 && (
          <button type="button" className="ghost" onClick={onRetry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    );
  }
  if (loading) return <div className="load-state muted">{t('common.loading')}</div>;
  return null;
}
