// The cockpit: who is signed in decides between the sign-in page and the pages behind it; the live
// stream runs for as long as someone is signed in, so every page shows the connection state.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from './api/client.ts';
import type { Me } from './api/types.ts';
import { TopBar } from './components/TopBar.tsx';
import { useHashRoute } from './components/useHashRoute.ts';
import { toMs } from './format/time.ts';
import { useI18n } from './i18n/i18n.tsx';
import { useLive } from './live/useLive.ts';
import { BoardPage } from './pages/BoardPage.tsx';
import { CampaignPage } from './pages/CampaignPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { PreviewPage } from './pages/PreviewPage.tsx';

type Session =
  | { state: 'checking' }
  | { state: 'signed-out'; expired: boolean }
  | { state: 'signed-in'; me: Me };

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session>({ state: 'checking' });

  useEffect(() => {
    api.get<Me>('/api/auth/me').then(
      (me) => setSession({ state: 'signed-in', me }),
      (error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
        setSession({ state: 'signed-out', expired: false });
      },
    );
  }, []);

  const onUnauthorized = useCallback(() => setSession({ state: 'signed-out', expired: true }), []);
  const onLogout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setSession({ state: 'signed-out', expired: false });
    }
  }, []);

  if (session.state === 'checking') return <div className="splash muted">{t('common.loading')}</div>;
  if (session.state === 'signed-out') {
    return (
      <LoginPage
        notice={session.expired ? t('auth.expired') : null}
        onSignedIn={(me) => setSession({ state: 'signed-in', me })}
      />
    );
  }
  return <SignedIn me={session.me} onUnauthorized={onUnauthorized} onLogout={onLogout} />;
}

function SignedIn({
  me,
  onUnauthorized,
  onLogout,
}: {
  me: Me;
  onUnauthorized: () => void;
  onLogout: () => void;
}) {
  const route = useHashRoute();
  const { snapshot, state } = useLive(onUnauthorized);
  const nowMs = snapshot ? toMs(snapshot.at) : null;
  return (
    <div className="shell">
      <TopBar
        me={me}
        route={route}
        connection={state}
        campaignName={snapshot?.campaign.name ?? null}
        onLogout={onLogout}
      />
      {route === 'board' && <BoardPage snapshot={snapshot} role={me.role} />}
      {route === 'campaign' && <CampaignPage onUnauthorized={onUnauthorized} nowMs={nowMs} />}
      {route === 'preview' && <PreviewPage onUnauthorized={onUnauthorized} nowMs={nowMs} />}
    </div>
  );
}
