import { useMemo } from 'react';
import type { LiveSnapshot } from '../api/types.ts';
import { EChart } from '../charts/EChart.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { formatRatio, formatYuan } from '../format/money.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { gaugeOption } from './options.ts';

/** How far from plan still reads as on pace (green); below this share of plan it turns red. */
const PACING_WARN_RATIO = 0.9;

/** The pill for a pacing ratio: ahead, near plan or behind. */
function PacingPill({ ratio, testId }: { ratio: number; testId: string }) {
  const { t } = useI18n();
  const tone = ratio >= 1 ? 'good' : ratio >= PACING_WARN_RATIO ? 'warn' : 'bad';
  return (
    <span className={`pill pill-${tone}`} data-testid={testId}>
      {t('kpi.pacing', { ratio: formatRatio(ratio) })} · {ratio >= 1 ? t('kpi.ahead') : t('kpi.behind')}
    </span>
  );
}

/**
 * Paced against the phase under way when there is one (on 11.11, the day's own plan: what earlier
 * phases sold does not make the day look ahead or behind), with the whole plan beside it.
 */
function Pacing({ s }: { s: LiveSnapshot }) {
  const { t } = useI18n();
  const { expectedByNow, pacingRatio, phase } = s.gmv;
  if (!phase || phase.expectedByNow === null) {
    return (
      <div className="hero-pacing">
        {expectedByNow !== null && (
          <span>{t('kpi.expectedByNow', { amount: formatYuan(expectedByNow) })}</span>
        )}
        {pacingRatio !== null && <PacingPill ratio={pacingRatio} testId="gmv-pacing" />}
      </div>
    );
  }
  return (
    <div className="hero-pacing">
      <span data-testid="gmv-phase-pacing">
        {t('kpi.phaseExpected', {
          phase: phase.name,
          paid: formatYuan(phase.paid),
          amount: formatYuan(phase.expectedByNow),
        })}
      </span>
      {phase.pacingRatio !== null && <PacingPill ratio={phase.pacingRatio} testId="gmv-pacing" />}
      {expectedByNow !== null && (
        <span className="hero-plan-pacing">
          <span data-testid="gmv-plan-pacing">
            {t('kpi.planPacing', { paid: formatYuan(s.gmv.paid), amount: formatYuan(expectedByNow) })}
          </span>
          {pacingRatio !== null && <PacingPill ratio={pacingRatio} testId="gmv-plan-pill" />}
        </span>
      )}
    </div>
  );
}

export function GmvHero({ s }: { s: LiveSnapshot }) {
  const { t } = useI18n();
  const gauge = useMemo(() => gaugeOption(s), [s]);
  const { paid, placed, target } = s.gmv;
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
        <Pacing s={s} />
      </div>
      <div className="hero-gauge">
        <EChart option={gauge} height={190} testId="gmv-gauge" />
        <div className="hero-gauge-label">{t('kpi.completion')}</div>
      </div>
    </section>
  );
}
