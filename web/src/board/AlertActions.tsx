// 售罄处理 on the board: an alert's sold-out action as set (pre-sale with a ship date, or a
// substitute SKU) and, for admins and operators, the buttons that set it through
// POST /api/admin/skus/:sku/sold-out-action, and 补货 (units that arrived) through
// POST /api/admin/skus/:sku/restock. The next snapshot carries what was set.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, SubmitKeys } from '../api/client.ts';
import type { AdminCampaign, StockAction } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** "2026-11-20" → "11/20" (a malformed date shows as it is). */
export function shortShipDate(date: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${Number(m[1])}/${Number(m[2])}` : date;
}

export function AlertActionText({ sku, action }: { sku: string; action: StockAction | null }) {
  const { t } = useI18n();
  if (!action) return null;
  const text =
    action.kind === 'presale'
      ? t('alerts.action.presale', { date: shortShipDate(action.shipDate), units: action.units })
      : t('alerts.action.substitute', { sku: action.substituteSku });
  return (
    <span className={`alert-action alert-action-${action.kind}`} data-testid={`stock-action-${sku}`}>
      {text}
    </span>
  );
}

type Mode = 'presale' | 'substitute' | 'restock' | null;
/** What a spot-stock alert offers, and a pre-sale pool's (its restock only). */
const SPOT_MODES = ['presale', 'substitute', 'restock'] as const;
const POOL_MODES = ['restock'] as const;

function failureOf(e: unknown): string {
  if (e instanceof ApiError) return e.problem.detail ?? e.problem.title ?? e.problem.code;
  return String(e);
}

/** A whole number of units ≥ 1: a pre-sale's, or a restock's. */
function UnitsField(props: { sku: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      <span>{props.label}</span>
      <input
        type="number"
        required
        min={1}
        step={1}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={`stock-units-${props.sku}`}
      />
    </label>
  );
}

/**
 * A spot-stock alert: pre-sale, substitute, restock. A pre-sale pool's alert: its restock only (a
 * full pool leaves the SKU selling from spot stock, so there is no sold-out action to set).
 */
export function AlertActionButtons({ sku, pool = 'spot' }: { sku: string; pool?: 'spot' | 'presale' }) {
  // Test ids as the alert's: a SKU's pool alert sits beside its spot one.
  const id = pool === 'presale' ? `${sku}-presale` : sku;
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>(null);
  const [shipDate, setShipDate] = useState('');
  const [units, setUnits] = useState('');
  const [substitute, setSubstitute] = useState('');
  const [note, setNote] = useState('');
  const [catalog, setCatalog] = useState<AdminCampaign['catalog'] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keys = useRef(new SubmitKeys());

  useEffect(() => {
    if (mode !== 'substitute' || catalog) return;
    let current = true;
    api.get<AdminCampaign>('/api/admin/campaign').then(
      (campaign) => {
        if (current) setCatalog(campaign.catalog);
      },
      (e: unknown) => {
        if (current) setError(failureOf(e));
      },
    );
    return () => {
      current = false;
    };
  }, [mode, catalog]);

  const open = (next: Mode) => {
    setMode(mode === next ? null : next);
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const [path, body]: [string, StockAction | { units: number; note: string; pool: 'spot' | 'presale' }] =
      mode === 'restock'
        ? ['restock', { units: Number(units), note, pool }]
        : [
            'sold-out-action',
            mode === 'presale'
              ? { kind: 'presale', shipDate, units: Number(units) }
              : { kind: 'substitute', substituteSku: substitute },
          ];
    setBusy(true);
    setError(null);
    try {
      const headers = { 'idempotency-key': keys.current.keyFor({ path, body }) };
      await api.post(`/api/admin/skus/${encodeURIComponent(sku)}/${path}`, body, headers);
      keys.current.done();
      setMode(null);
    } catch (e) {
      setError(failureOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="alert-ops">
      <div className="alert-buttons">
        {(pool === 'spot' ? SPOT_MODES : POOL_MODES).map((m) => (
          <button
            key={m}
            type="button"
            className={`ghost mini ${mode === m ? 'active' : ''}`}
            onClick={() => open(m)}
            data-testid={`stock-${m}-${id}`}
          >
            {t(`alerts.do.${m}`)}
          </button>
        ))}
      </div>
      {mode && (
        <form className="alert-form" onSubmit={submit} data-testid={`stock-form-${id}`}>
          {mode === 'restock' ? (
            <>
              <UnitsField sku={id} label={t('alerts.form.restockUnits')} value={units} onChange={setUnits} />
              <label>
                <span>{t('alerts.form.note')}</span>
                <input
                  type="text"
                  maxLength={200}
                  placeholder={t('alerts.form.notePlaceholder')}
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  data-testid={`stock-note-${id}`}
                />
              </label>
            </>
          ) : mode === 'presale' ? (
            <>
              <label>
                <span>{t('alerts.form.shipDate')}</span>
                <input
                  type="date"
                  required
                  value={shipDate}
                  onChange={(e) => setShipDate(e.target.value)}
                  data-testid={`stock-ship-date-${id}`}
                />
              </label>
              <UnitsField sku={id} label={t('alerts.form.units')} value={units} onChange={setUnits} />
            </>
          ) : (
            <label>
              <span>{t('alerts.form.sku')}</span>
              <select
                required
                value={substitute}
                onChange={(e) => setSubstitute(e.target.value)}
                disabled={!catalog}
                data-testid={`stock-substitute-sku-${id}`}
              >
                <option value="">{catalog ? t('alerts.form.pick') : t('alerts.form.loading')}</option>
                {(catalog ?? [])
                  .filter((item) => item.sku !== sku)
                  .map((item) => (
                    <option key={item.sku} value={item.sku}>
                      {item.sku} · {item.title}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <div className="alert-form-buttons">
            <button type="submit" className="ghost mini" disabled={busy} data-testid={`stock-submit-${id}`}>
              {busy ? t('alerts.form.saving') : t('alerts.form.save')}
            </button>
            <button type="button" className="ghost mini" onClick={() => setMode(null)}>
              {t('alerts.form.cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="alert-error" role="alert" data-testid={`stock-error-${id}`}>
          {t('alerts.form.failed', { detail: error })}
        </p>
      )}
    </div>
  );
}
