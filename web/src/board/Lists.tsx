// The board's tables: stock alerts, payment channels, unpaid orders.
import type { LiveSnapshot } from '../api/types.ts';
import { Panel } from '../components/Panel.tsx';
import { formatCount, formatRatio, formatYuan } from '../format/money.ts';
import { formatClock, formatCountdown, toMs } from '../format/time.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useServerNow } from '../live/useServerNow.ts';
import { AlertActionButtons, AlertActionText } from './AlertActions.tsx';

/** A channel below this success rate is shown in red; below the second, amber. */
const CHANNEL_BAD_RATE = 0.9;
const CHANNEL_WARN_RATE = 0.98;
/** An unpaid order this close to its deadline is shown in red. */
const DEADLINE_URGENT_MS = 5 * 60_000;

/** `canAct`: the signed-in role may set sold-out actions (admin, operator; not viewer). */
export function StockAlerts({ s, canAct }: { s: LiveSnapshot; canAct: boolean }) {
  const { t } = useI18n();
  return (
    <Panel
      title={t('alerts.title')}
      extra={<span className="count">{s.stockAlerts.length}</span>}
      testId="stock-alerts"
    >
      {s.stockAlerts.length === 0 ? (
        <p className="empty">{t('alerts.none')}</p>
      ) : (
        <ul className="alerts">
          {s.stockAlerts.map((a) => {
            // A full pre-sale pool: the SKU sells on from spot stock, so it can only be restocked.
            const presale = a.pool === 'presale';
            return (
              <li
                key={`${a.storeId}/${a.sku}${presale ? '#presale' : ''}`}
                className={`alert alert-${a.state}`}
                data-testid={`stock-alert-${a.sku}${presale ? '-presale' : ''}`}
              >
                <span className={`badge badge-${a.state}`}>
                  {t(presale ? `alerts.presale.${a.state}` : `alerts.${a.state}`)}
                </span>
                <span className="alert-title" title={a.title}>
                  {a.title}
                </span>
                <span className="alert-meta">
                  {a.sku} ·{' '}
                  {t(presale ? 'alerts.presaleLeft' : 'alerts.available', { n: formatCount(a.available) })}
                </span>
                {!presale && <AlertActionText sku={a.sku} action={a.action} />}
                {canAct && <AlertActionButtons sku={a.sku} pool={a.pool} />}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

export function ChannelHealth({ s }: { s: LiveSnapshot }) {
  const { t } = useI18n();
  return (
    <Panel title={t('channels.title')} testId="channels">
      <table className="table">
        <thead>
          <tr>
            <th>{t('channels.name')}</th>
            <th className="num">{t('channels.succeeded')}</th>
            <th className="num">{t('channels.errors')}</th>
            <th className="num">{t('channels.timeouts')}</th>
            <th className="num">{t('channels.failovers')}</th>
            <th className="num">{t('channels.refunds')}</th>
            <th className="num">{t('channels.successRate')}</th>
          </tr>
        </thead>
        <tbody>
          {s.channels.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                {t('common.none')}
              </td>
            </tr>
          )}
          {s.channels.map((c) => {
            const tone =
              c.successRate === null
                ? ''
                : c.successRate < CHANNEL_BAD_RATE
                  ? 'bad'
                  : c.successRate < CHANNEL_WARN_RATE
                    ? 'warn'
                    : 'good';
            return (
              <tr key={c.name} data-testid={`channel-${c.name}`}>
                <td>
                  <span className={`health health-${tone}`} />
                  {c.name}
                </td>
                <td className="num">{formatCount(c.succeeded)}</td>
                <td className="num">{formatCount(c.errors)}</td>
                <td className="num">{formatCount(c.timeouts)}</td>
                <td className="num">{formatCount(c.failovers)}</td>
                <td
                  className={`num${c.refundsFailed > 0 ? ' rate-bad' : ''}`}
                  title={t('channels.refundsHint')}
                  data-testid={`channel-${c.name}-refunds`}
                >
                  {formatCount(c.refunded)}
                  {c.refundsFailed > 0 &&
                    ` / ${t('channels.refundsFailed', { n: formatCount(c.refundsFailed) })}`}
                </td>
                <td className={`num rate-${tone}`}>{formatRatio(c.successRate)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}

export function UnpaidOrders({ s }: { s: LiveSnapshot }) {
  const { t, lang } = useI18n();
  const nowMs = useServerNow(s.at) ?? Date.now();
  const tz = s.campaign.timezone;
  return (
    <Panel
      title={t('unpaid.title')}
      extra={
        <span className="unpaid-sum" data-testid="unpaid-summary">
          {t('unpaid.count', { n: formatCount(s.unpaid.count) })} ·{' '}
          {t('unpaid.amount', { amount: formatYuan(s.unpaid.amount) })}
        </span>
      }
      testId="unpaid"
    >
      {s.unpaid.nextDeadlines.length === 0 ? (
        <p className="empty">{t('unpaid.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('unpaid.order')}</th>
              <th>{t('unpaid.deadline')}</th>
              <th className="num">{t('unpaid.left')}</th>
              <th className="num">{t('unpaid.payable')}</th>
            </tr>
          </thead>
          <tbody>
            {s.unpaid.nextDeadlines.map((d) => {
              const deadlineMs = toMs(d.deadlineAt) ?? nowMs;
              const urgent = deadlineMs - nowMs < DEADLINE_URGENT_MS;
              return (
                <tr key={d.orderId} data-testid={`unpaid-${d.orderId}`}>
                  <td className="mono">{d.orderId}</td>
                  <td>{formatClock(d.deadlineAt, tz, lang)}</td>
                  <td className={`num mono ${urgent ? 'rate-bad' : ''}`}>
                    {/* Past its deadline, the order waits for the deadline sweep to close it. */}
                    {deadlineMs <= nowMs ? t('unpaid.overdue') : formatCountdown(nowMs, deadlineMs)}
                  </td>
                  <td className="num">{formatYuan(d.payable)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
