// 活动配置: what the campaign runs — promotions, coupons, flash-sale sessions with what is left.
import type { AdminCampaign, AdminOffer, FlashSession } from '../api/types.ts';
import { LoadState } from '../components/LoadState.tsx';
import { Panel } from '../components/Panel.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { useApi } from '../components/useApi.ts';
import { formatCount, formatYuan } from '../format/money.ts';
import { offerRules, ruleContext } from '../format/offer-rules.ts';
import { formatWindow, type When, windowStatus } from '../format/time.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { PlanPanel } from './PlanPanel.tsx';

/** Below this share left, a session's bar turns from gold to red. */
const FLASH_LOW_SHARE = 0.2;

function OfferTable({
  offers,
  names,
  tz,
  testId,
}: {
  offers: AdminOffer[];
  names: Pick<AdminCampaign, 'catalog' | 'stores' | 'memberships'>;
  tz: string;
  testId: string;
}) {
  const { t, lang, kind } = useI18n();
  const rules = ruleContext(t, names, tz, lang);
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('campaign.id')}</th>
          <th>{t('campaign.kind')}</th>
          <th>{t('campaign.name')}</th>
          <th>{t('campaign.window')}</th>
          <th>{t('campaign.details')}</th>
        </tr>
      </thead>
      <tbody>
        {offers.length === 0 && (
          <tr>
            <td colSpan={5} className="empty">
              {t('common.none')}
            </td>
          </tr>
        )}
        {offers.map((o) => (
          <tr key={o.id}>
            <td className="mono">{o.id}</td>
            <td>
              <span className={`chip chip-${o.kind}`}>{kind(o.kind)}</span>
            </td>
            <td>{o.name || '—'}</td>
            <td className="nowrap">
              {formatWindow(
                o.start ?? (o.validFrom as When),
                o.end ?? (o.validTo as When),
                tz,
                lang,
                t('campaign.always'),
              )}
            </td>
            <td className="details" data-testid={`rules-${o.id}`}>
              {offerRules(o, rules)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FlashSessions({ sessions, tz, nowMs }: { sessions: FlashSession[]; tz: string; nowMs: number }) {
  const { t, lang } = useI18n();
  if (sessions.length === 0) return <p className="empty">{t('common.none')}</p>;
  return (
    <div className="flash-grid">
      {sessions.map((f) => {
        const status = windowStatus(f.start, f.end, nowMs);
        const share = f.quantity > 0 ? f.remaining / f.quantity : 0;
        return (
          <div key={f.id} className={`flash flash-${status}`} data-testid={`flash-${f.id}`}>
            <div className="flash-head">
              <span className="flash-title" title={f.title}>
                {f.title}
              </span>
              <span className={`pill pill-${status}`}>{t(`campaign.status.${status}`)}</span>
            </div>
            <div className="flash-meta">
              <span className="flash-price">{t('campaign.price', { price: formatYuan(f.price) })}</span>
              <span className="muted">{t('campaign.perBuyer', { n: f.perBuyer })}</span>
            </div>
            <ProgressBar
              value={f.remaining}
              max={f.quantity}
              tone={share < FLASH_LOW_SHARE ? 'red' : 'gold'}
              label={t('campaign.remaining', {
                remaining: formatCount(f.remaining),
                quantity: formatCount(f.quantity),
              })}
              testId={`flash-remaining-${f.id}`}
            />
            <div className="flash-when muted">
              {formatWindow(f.start, f.end, tz, lang, t('campaign.always'))}
            </div>
          </div>
        );
      })}
    </div>
  );
}

export function CampaignPage({
  onUnauthorized,
  nowMs,
}: {
  onUnauthorized: () => void;
  nowMs: number | null;
}) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<AdminCampaign>('/api/admin/campaign', onUnauthorized);
  if (!data) {
    return (
      <main className="page" data-testid="campaign-page">
        <LoadState loading={loading} error={error} onRetry={reload} />
      </main>
    );
  }
  const tz = data.campaign.timezone;
  return (
    <main className="page" data-testid="campaign-page">
      <div className="page-head">
        <h1>
          {data.campaign.name} <span className="muted">· {t('campaign.title')}</span>
        </h1>
        <div className="stat-row">
          <span className="stat">
            <b>{data.stores.length}</b> {t('campaign.stores')}
          </span>
          <span className="stat">
            <b>{data.catalog.length}</b> {t('campaign.skus')}
          </span>
          <span className="stat">
            <b>{data.promotions.length}</b> {t('campaign.promotions')}
          </span>
          <span className="stat">
            <b>{data.coupons.length}</b> {t('campaign.coupons')}
          </span>
        </div>
      </div>
      <PlanPanel plan={data.campaign} nowMs={nowMs ?? Date.now()} />
      <Panel title={t('campaign.flash')} testId="flash-sessions">
        <FlashSessions sessions={data.flashSessions} tz={tz} nowMs={nowMs ?? Date.now()} />
      </Panel>
      <Panel title={t('campaign.promotions')}>
        <OfferTable offers={data.promotions} names={data} tz={tz} testId="promotions" />
      </Panel>
      <Panel title={t('campaign.coupons')}>
        <OfferTable offers={data.coupons} names={data} tz={tz} testId="coupons" />
      </Panel>
    </main>
  );
}
