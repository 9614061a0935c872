import { useMemo } from 'react';
import type { LiveSnapshot } from '../api/types.ts';
import { EChart } from '../charts/EChart.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { formatRatio, formatYuan } from '../format/money.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { gaugeOption } from './options.ts';

/** How far from plan still reads as on pace (green); below this share of plan it turns red. */
const PACING_WARN_RATIO = 0.9;

export function GmvHero({ s }: { s: LiveSnapshot }) {
  const { t } = useI18n();
  const gauge = useMemo(() => gaugeOption(s), [s]);
  const { paid, placed, target, expectedByNow, pacingRatio } = s.gmv;
  const pacingTone =
    pacingRatio === null ? '' : pacingRatio >= 1 ? 'good' : pacingRatio >= PACING_WARN_RATIO ? 'warn' : 'bad';
  return (
    <section className="panel hero" data-testid="gmv-panel">
      <div className="hero-main">
        <div className="hero-label" data-testid="gmv-paid-label">
          {t('kpi.gmvPaid')}
        </div>
        <div className="hero-number" data-testid="gmv-paid" data-fen={paid}>
          {formatYuan(paid)}
        </div>
        <div className="hero-sub">
          <span data-testid="gmv-target">
            {target === null ? t('kpi.noTarget') : t('kpi.target', { amount: formatYuan(target) })}
          </span>
          <span className="dot-sep" />
          <span data-testid="gmv-placed">{t('kpi.gmvPlaced', { amount: formatYuan(placed) })}</span>
        </div>
        {target !== null && (
          <ProgressBar
            value={paid}
            max={target}
            tone="red"
            label={`${t('kpi.completion')} ${formatRatio(target > 0 ? paid / target : null, 2)}`}
            testId="gmv-progress"
          />
        )}
        <div className="hero-pacing">
          {expectedByNow !== null && (
            <span>{t('kpi.expectedByNow', { amount: formatYuan(expectedByNow) })}</span>
          )}
          {pacingRatio !== null && (
            <span className={`pill pill-${pacingTone}`} data-testid="gmv-pacing">
              {t('kpi.pacing', { ratio: formatRatio(pacingRatio) })} ·{' '}
              {pacingRatio >= 1 ? t('kpi.ahead') : t('kpi.behind')}
            </span>
          )}
        </div>
      </div>
      <div className="hero-gauge">
        <EChart option={gauge} height={190} testId="gmv-gauge" />
        <div className="hero-gauge-label">{t('kpi.completion')}</div>
      </div>
    </section>
  );
}
