import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function LoginPage({ onSignedIn, notice }: { onSignedIn: (me: Me) => void; notice?: string | null }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.post<Me>('/api/auth/login', { username, password }));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.problem.code === 'INVALID_CREDENTIALS')) {
        setError(t('auth.invalid'));
      } else {
        const detail = e instanceof ApiError ? (e.problem.detail ?? e.problem.code) : String(e);
        setError(t('auth.failed', { detail }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-screen">
      <button
        type="button"
        className="ghost login-lang"
        data-testid="lang-toggle"
        onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
      >
        {t('lang.switch')}
      </button>
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-mark">11.11</div>
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.subtitle')}</p>
        {notice && <p className="notice">{notice}</p>}
        <label>
          <span>{t('auth.username')}</span>
          <input
            data-testid="login-username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          <span>{t('auth.password')}</span>
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={busy}>
          {busy ? t('auth.submitting') : t('auth.submit')}
        </button>
      </form>
    </main>
  );
}
