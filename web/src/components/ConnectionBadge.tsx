import { useI18n } from '../i18n/i18n.tsx';
import type { ConnectionState } from '../live/useLive.ts';

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { t } = useI18n();
  return (
    <span className={`conn conn-${state}`} data-testid="connection-state" data-state={state}>
      <span className="conn-dot" />
      {t(`conn.${state}`)}
    </span>
  );
}
