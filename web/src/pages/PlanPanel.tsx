// 大促计划: the campaign's targets and its phases, each with its share of the GMV target and its
// pace (节奏: how much of the share is due by moments inside the phase), so the team sees the plan
// the live board paces against.
import type { CampaignPlan, PhaseView } from '../api/types.ts';
import { Panel } from '../components/Panel.tsx';
import { formatCount, formatYuan } from '../format/money.ts';
import { formatDateTime, formatWindow, windowStatus } from '../format/time.ts';
import { useI18n } from '../i18n/i18n.tsx';

function Pace({ phase, tz }: { phase: PhaseView; tz: string }) {
  const { t, lang } = useI18n();
  if (phase.pace.length === 0) return <span className="muted">{t('plan.paceEven')}</span>;
  return (
    <ol className="pace" data-testid={`plan-pace-${phase.id}`}>
      {phase.pace.map((point) => (
        <li key={point.at}>
          <span className="muted">{formatDateTime(point.at, tz, lang)}</span> <b>{point.percent}%</b>
        </li>
      ))}
    </ol>
  );
}

export function PlanPanel({ plan, nowMs }: { plan: CampaignPlan; nowMs: number }) {
  const { t, lang } = useI18n();
  const tz = plan.timezone;
  const targets = (
    <span className="stat-row">
      <span className="stat" data-testid="plan-target-gmv">
        {t('plan.targetGmv')} <b>{plan.targetGmv === null ? '—' : formatYuan(plan.targetGmv)}</b>
      </span>
      <span className="stat" data-testid="plan-target-orders">
        {t('plan.targetOrders')} <b>{plan.targetOrders === null ? '—' : formatCount(plan.targetOrders)}</b>
      </span>
    </span>
  );
  return (
    <Panel title={t('plan.title')} extra={targets} testId="plan">
      {plan.phases.length === 0 ? (
        <p className="empty">{t('plan.noPhases')}</p>
      ) : (
        <table className="table" data-testid="plan-phases">
          <thead>
            <tr>
              <th>{t('plan.phase')}</th>
              <th>{t('campaign.window')}</th>
              <th className="num">{t('plan.share')}</th>
              <th className="num">{t('plan.phaseTarget')}</th>
              <th>{t('plan.pace')}</th>
              <th>{t('plan.status')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.phases.map((phase) => {
              const status = windowStatus(phase.start, phase.end, nowMs);
              return (
                <tr key={phase.id} data-testid={`plan-phase-${phase.id}`}>
                  <td>
                    {phase.name} <span className="mono muted">{phase.id}</span>
                  </td>
                  <td className="nowrap">
                    {formatWindow(phase.start, phase.end, tz, lang, t('campaign.always'))}
                  </td>
                  <td className="num">{phase.gmvSharePercent}%</td>
                  <td className="num" data-testid={`plan-phase-target-${phase.id}`}>
                    {phase.targetGmv === null ? '—' : formatYuan(phase.targetGmv)}
                  </td>
                  <td>
                    <Pace phase={phase} tz={tz} />
                  </td>
                  <td>
                    <span className={`pill pill-${status}`}>{t(`campaign.status.${status}`)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
