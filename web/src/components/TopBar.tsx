import type { Me } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { ConnectionState } from '../live/useLive.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import type { Route } from './useHashRoute.ts';

const NAV: { route: Route; key: 'nav.board' | 'nav.campaign' | 'nav.preview' }[] = [
  { route: 'board', key: 'nav.board' },
  { route: 'campaign', key: 'nav.campaign' },
  { route: 'preview', key: 'nav.preview' },
];

export function TopBar({
  me,
  route,
  connection,
  campaignName,
  onLogout,
}: {
  me: Me;
  route: Route;
  connection: ConnectionState;
  campaignName: string | null;
  onLogout: () => void;
}) {
  const { t, lang, setLang } = useI18n();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark">促</span>
        <div>
          <div className="brand-title">{t('app.short')}</div>
          <div className="brand-sub" data-testid="campaign-name">
            {campaignName ?? 'dacu'}
          </div>
        </div>
      </div>
      <nav className="nav">
        {NAV.map((item) => (
          <a
            key={item.route}
            href={`#/${item.route}`}
            className={route === item.route ? 'active' : undefined}
            data-testid={`nav-${item.route}`}
          >
            {t(item.key)}
          </a>
        ))}
      </nav>
      <div className="topbar-right">
        <ConnectionBadge state={connection} />
        <button
          type="button"
          className="ghost"
          data-testid="lang-toggle"
          onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {t('lang.switch')}
        </button>
        <span className="user" data-testid="current-user">
          {me.username} · {t(`role.${me.role}`)}
        </span>
        <button type="button" className="ghost" data-testid="logout" onClick={onLogout}>
          {t('auth.logout')}
        </button>
      </div>
    </header>
  );
}
