// 大屏: the live board (DOMAIN.md §7) — GMV against target and plan, orders per second, payment
// rate, AOV, funnel, top SKUs and categories, stock alerts, payment channels, unpaid orders.
import { useMemo } from 'react';
import type { LiveSnapshot, Role } from '../api/types.ts';
import { GmvHero } from '../board/GmvHero.tsx';
import { KpiTiles } from '../board/KpiTiles.tsx';
import { ChannelHealth, StockAlerts, UnpaidOrders } from '../board/Lists.tsx';
import {
  categoriesOption,
  funnelOption,
  ordersOption,
  pacingOption,
  topSkusOption,
} from '../board/options.ts';
import { EChart } from '../charts/EChart.tsx';
import { Panel } from '../components/Panel.tsx';
import { formatDateTime } from '../format/time.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { rateUnit } from '../live/series-rates.ts';

/** `role`: who is signed in; admins and operators may set sold-out actions from the alerts. */
export function BoardPage({ snapshot, role }: { snapshot: LiveSnapshot | null; role: Role }) {
  const { t } = useI18n();
  if (!snapshot) {
    return (
      <main className="board board-empty" data-testid="board">
        <p className="muted">{t('board.waiting')}</p>
      </main>
    );
  }
  return <Board s={snapshot} canAct={role === 'admin' || role === 'operator'} />;
}

function Board({ s, canAct }: { s: LiveSnapshot; canAct: boolean }) {
  const { t, lang } = useI18n();
  const pacing = useMemo(() => pacingOption(s, t, lang), [s, t, lang]);
  // Per second or per minute, decided once for the tile and the chart.
  const unit = useMemo(() => rateUnit(s), [s]);
  const orders = useMemo(() => ordersOption(s, t, lang, unit), [s, t, lang, unit]);
  const funnel = useMemo(() => funnelOption(s, t), [s, t]);
  const skus = useMemo(() => topSkusOption(s, lang), [s, lang]);
  const categories = useMemo(() => categoriesOption(s, t), [s, t]);
  const phase = s.campaign.phases.find((p) => p.id === s.gmv.currentPhase);

  return (
    <main className="board" data-testid="board" data-seq={s.seq}>
      <div className="board-head">
        <h1>
          {s.campaign.name} <span className="muted">· {t('board.title')}</span>
        </h1>
        <div className="board-meta">
          <span className="pill pill-phase" data-testid="current-phase">
            {t('board.phase')}: {phase?.name ?? t('board.noPhase')}
          </span>
          <span className="muted" data-testid="snapshot-at">
            {t('board.updatedAt', { time: formatDateTime(s.at, s.campaign.timezone, lang) })}
          </span>
        </div>
      </div>
      <div className="grid">
        <div className="span-7">
          <GmvHero s={s} />
        </div>
        <div className="span-5">
          <KpiTiles s={s} unit={unit} />
        </div>
        <Panel title={t('chart.pacing')} className="span-7">
          <EChart option={pacing} height={280} testId="chart-pacing" />
        </Panel>
        <Panel title={t(unit === 'minute' ? 'chart.ordersPerMinute' : 'chart.orders')} className="span-5">
          <EChart option={orders} height={280} testId="chart-orders" />
        </Panel>
        <Panel title={t('chart.funnel')} className="span-3">
          <EChart option={funnel} height={260} testId="chart-funnel" />
        </Panel>
        <Panel title={t('chart.topSkus')} className="span-3">
          <EChart option={skus} height={260} testId="chart-top-skus" />
        </Panel>
        <Panel title={t('chart.categories')} className="span-3">
          <EChart option={categories} height={260} testId="chart-categories" />
        </Panel>
        <div className="span-3">
          <StockAlerts s={s} canAct={canAct} />
        </div>
        <div className="span-6">
          <ChannelHealth s={s} />
        </div>
        <div className="span-6">
          <UnpaidOrders s={s} />
        </div>
      </div>
    </main>
  );
}
