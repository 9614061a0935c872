import type { ReactNode } from 'react';
import type { LiveSnapshot } from '../api/types.ts';
import { formatCount, formatRatio, formatYuan } from '../format/money.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { perUnit, type RateUnit } from '../live/series-rates.ts';

function Tile({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId: string;
}) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value" data-testid={testId}>
        {value}
      </div>
      {sub !== undefined && <div className="tile-sub">{sub}</div>}
    </div>
  );
}

/** `unit`: orders per second or per minute, as the board decided for its chart too. */
export function KpiTiles({ s, unit }: { s: LiveSnapshot; unit: RateUnit }) {
  const { t } = useI18n();
  const o = s.orders;
  const rate = o.perSecond * perUnit(unit);
  return (
    <section className="panel tiles">
      <Tile
        label={t(unit === 'minute' ? 'kpi.ordersPerMinute' : 'kpi.ordersPerSecond')}
        value={rate.toFixed(rate >= 100 ? 0 : 1)}
        testId="kpi-ops"
      />
      <Tile label={t('kpi.paymentRate')} value={formatRatio(s.paymentRate)} testId="kpi-payment-rate" />
      <Tile label={t('kpi.aov')} value={formatYuan(s.averageOrderValue)} testId="kpi-aov" />
      <Tile label={t('kpi.ordersPlaced')} value={formatCount(o.placed)} testId="kpi-orders-placed" />
      <Tile
        label={t('kpi.ordersPaid')}
        value={formatCount(o.paid)}
        sub={s.campaign.targetOrders ? `/ ${formatCount(s.campaign.targetOrders)}` : undefined}
        testId="kpi-orders-paid"
      />
      {/* Two counts do not fit one tile's figure: the expired (and forfeited) go beneath it. */}
      <Tile
        label={t('kpi.ordersCancelled')}
        value={formatCount(o.cancelled)}
        sub={
          <span data-testid="kpi-orders-expired">
            {t('kpi.expired', { n: formatCount(o.expired) })}
            {o.forfeited > 0 && ` · ${t('kpi.forfeited', { n: formatCount(o.forfeited) })}`}
          </span>
        }
        testId="kpi-orders-cancelled"
      />
    </section>
  );
}
