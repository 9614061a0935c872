// 试算: an operator builds a cart (SKUs, quantities, memberships, wallet coupons, a moment) and sees
// the quote exactly as checkout would price it (POST /api/quote, PRICING.md): every line's
// discounts, what was applied, the top-up (凑单) hints and the coupons left unused.
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { AdminCampaign, AdminCatalogItem, Quote, QuoteRequest } from '../api/types.ts';
import { LoadState } from '../components/LoadState.tsx';
import { Panel } from '../components/Panel.tsx';
import { useApi } from '../components/useApi.ts';
import { formatYuan } from '../format/money.ts';
import { formatDateTime, toLocalInput } from '../format/time.ts';
import { isMessageKey } from '../i18n/dict.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** As many lines as checkout accepts at most would be silly to pick by hand; this is plenty. */
const PREVIEW_LINES_MAX = 20;
const QTY_MAX = 99;
const DEFAULT_BUYER = 'preview';

interface Line {
  key: number;
  sku: string;
  qty: number;
}

let nextLineKey = 1;

export function PreviewPage({ onUnauthorized, nowMs }: { onUnauthorized: () => void; nowMs: number | null }) {
  const { t } = useI18n();
  // The operators' view of the campaign, not the shoppers' /api/catalog: an operator trying prices
  // is not a shopper's visit, and the funnel counts those.
  const { data, error, loading, reload } = useApi<AdminCampaign>('/api/admin/campaign', onUnauthorized);
  return (
    <main className="page" data-testid="preview-page">
      <div className="page-head">
        <h1>{t('preview.title')}</h1>
        <p className="muted">{t('preview.subtitle')}</p>
      </div>
      {data ? (
        <Preview admin={data} nowMs={nowMs} />
      ) : (
        <LoadState loading={loading} error={error} onRetry={reload} />
      )}
    </main>
  );
}

function Preview({ admin, nowMs }: { admin: AdminCampaign; nowMs: number | null }) {
  const { t, kind } = useI18n();
  const items = admin.catalog;
  const timeZone = admin.campaign.timezone;
  const [lines, setLines] = useState<Line[]>(() =>
    items[0] ? [{ key: nextLineKey++, sku: items[0].sku, qty: 1 }] : [],
  );
  const [buyerId, setBuyerId] = useState(DEFAULT_BUYER);
  const [memberships, setMemberships] = useState<string[]>([]);
  const [wallet, setWallet] = useState<string[]>([]);
  const [useNow, setUseNow] = useState(true);
  const [at, setAt] = useState(() => toLocalInput(nowMs ?? Date.now(), timeZone));
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (useNow && nowMs !== null) setAt(toLocalInput(nowMs, timeZone));
  }, [useNow, nowMs, timeZone]);

  const byStore = useMemo(() => {
    const names = new Map(admin.stores.map((s) => [s.id, s.name]));
    const groups = new Map<string, AdminCatalogItem[]>();
    for (const item of items) {
      const name = names.get(item.storeId) ?? item.storeId;
      const group = groups.get(name) ?? [];
      group.push(item);
      groups.set(name, group);
    }
    return [...groups];
  }, [items, admin.stores]);

  const toggle = (list: string[], id: string) =>
    list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
  const updateLine = (key: number, patch: Partial<Line>) =>
    setLines((current) => current.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: QuoteRequest = {
      buyer: { id: buyerId.trim() || DEFAULT_BUYER, memberships },
      lines: lines.map((l) => ({ sku: l.sku, qty: l.qty })),
      wallet,
    };
    // A time without an offset is read in the campaign's zone by the server (campaign-file.md).
    if (!useNow) body.at = at;
    setBusy(true);
    setError(null);
    try {
      setQuote(await api.post<Quote>('/api/quote', body));
    } catch (e) {
      setQuote(null);
      setError(e instanceof ApiError ? e : new ApiError(0, { code: 'CLIENT', detail: String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="preview">
      <form className="panel preview-form" onSubmit={submit} data-testid="preview-form">
        <h2>{t('preview.cart')}</h2>
        <div className="lines">
          {lines.map((line, i) => (
            <div className="line" key={line.key}>
              <select
                aria-label={t('preview.sku')}
                data-testid={`preview-sku-${i}`}
                value={line.sku}
                onChange={(e) => updateLine(line.key, { sku: e.target.value })}
              >
                {byStore.map(([store, group]) => (
                  <optgroup key={store} label={store}>
                    {group.map((item) => (
                      <option key={item.sku} value={item.sku}>
                        {item.title} · {formatYuan(item.listPrice)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
              <input
                aria-label={t('preview.qty')}
                data-testid={`preview-qty-${i}`}
                type="number"
                min={1}
                max={QTY_MAX}
                value={line.qty}
                onChange={(e) =>
                  updateLine(line.key, { qty: Math.max(1, Math.min(QTY_MAX, Number(e.target.value) || 1)) })
                }
              />
              <button
                type="button"
                className="ghost icon"
                title={t('preview.removeLine')}
                aria-label={t('preview.removeLine')}
                disabled={lines.length <= 1}
                onClick={() => setLines((current) => current.filter((l) => l.key !== line.key))}
              >
                ✕
              </button>
            </div>
          ))}
        </div>
        <button
          type="button"
          className="ghost"
          data-testid="preview-add-line"
          disabled={lines.length >= PREVIEW_LINES_MAX || items.length === 0}
          onClick={() =>
            setLines((current) => [...current, { key: nextLineKey++, sku: items[0]?.sku ?? '', qty: 1 }])
          }
        >
          + {t('preview.addLine')}
        </button>

        <label className="field">
          <span>{t('preview.buyer')}</span>
          <input data-testid="preview-buyer" value={buyerId} onChange={(e) => setBuyerId(e.target.value)} />
        </label>

        <fieldset className="field">
          <legend>{t('preview.memberships')}</legend>
          {admin.memberships.length > 0 ? (
            <div className="checks">
              {admin.memberships.map((m) => (
                <label key={m.id} className="check">
                  <input
                    type="checkbox"
                    data-testid={`preview-membership-${m.id}`}
                    checked={memberships.includes(m.id)}
                    onChange={() => setMemberships((current) => toggle(current, m.id))}
                  />
                  {m.name}
                </label>
              ))}
            </div>
          ) : (
            <p className="empty">{t('preview.noMemberships')}</p>
          )}
        </fieldset>

        {admin.coupons.length > 0 && (
          <fieldset className="field">
            <legend>{t('preview.wallet')}</legend>
            <div className="checks">
              {admin.coupons.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    data-testid={`preview-coupon-${c.id}`}
                    checked={wallet.includes(c.id)}
                    onChange={() => setWallet((current) => toggle(current, c.id))}
                  />
                  <span className={`chip chip-${c.kind}`}>{kind(c.kind)}</span> {c.name || c.id}
                </label>
              ))}
            </div>
          </fieldset>
        )}

        <fieldset className="field">
          <legend>{t('preview.at')}</legend>
          <label className="check">
            <input
              type="checkbox"
              data-testid="preview-at-now"
              checked={useNow}
              onChange={() => setUseNow((v) => !v)}
            />
            {t('preview.atNow')}
          </label>
          <input
            type="datetime-local"
            data-testid="preview-at"
            value={at}
            disabled={useNow}
            onChange={(e) => setAt(e.target.value)}
          />
        </fieldset>

        <button
          type="submit"
          className="primary"
          data-testid="preview-submit"
          disabled={busy || lines.length === 0}
        >
          {busy ? t('preview.submitting') : t('preview.submit')}
        </button>
      </form>
      <div className="preview-result">
        {error && (
          <div className="panel load-state error" role="alert" data-testid="quote-error">
            <b>{error.problem.code}</b> {error.problem.detail}
            {error.problem.path ? <span className="mono"> ({error.problem.path})</span> : null}
          </div>
        )}
        {!quote && !error && <div className="panel empty">{t('preview.empty')}</div>}
        {quote && <QuoteView quote={quote} timeZone={timeZone} />}
      </div>
    </div>
  );
}

function QuoteView({ quote, timeZone }: { quote: Quote; timeZone: string }) {
  const { t, lang, kind } = useI18n();
  const storeName = (storeId: string | null) =>
    storeId === null ? '' : (quote.stores.find((s) => s.storeId === storeId)?.storeName ?? storeId);
  return (
    <div className="quote" data-testid="quote-result">
      <section className="panel quote-summary">
        <div>
          <div className="tile-label">{t('preview.listTotal')}</div>
          <div className="figure strike" data-testid="quote-list-total">
            {formatYuan(quote.listTotal)}
          </div>
        </div>
        <div>
          <div className="tile-label">{t('preview.savings')}</div>
          <div className="figure saving" data-testid="quote-savings">
            -{formatYuan(quote.savings)}
          </div>
        </div>
        <div>
          <div className="tile-label">{t('preview.total')}</div>
          <div className="figure quote-payable" data-testid="quote-payable">
            {formatYuan(quote.payable)}
          </div>
        </div>
        {quote.dueLater > 0 && (
          <div>
            <div className="tile-label">
              {t('preview.dueNow')} / {t('preview.dueLater')}
            </div>
            <div className="figure">
              {formatYuan(quote.dueNow)} / {formatYuan(quote.dueLater)}
            </div>
          </div>
        )}
        <div className="muted quote-at">
          {t('preview.quoteAt', { time: formatDateTime(quote.at, timeZone, lang) })}
        </div>
      </section>

      {quote.stores.map((store) => (
        <Panel
          key={store.storeId}
          title={store.storeName}
          extra={<b data-testid={`quote-store-${store.storeId}`}>{formatYuan(store.payable)}</b>}
        >
          <table className="table">
            <thead>
              <tr>
                <th>{t('preview.sku')}</th>
                <th className="num">{t('preview.qty')}</th>
                <th className="num">{t('preview.listPrice')}</th>
                <th className="num">{t('preview.unitPrice')}</th>
                <th>{t('preview.discounts')}</th>
                <th className="num">{t('preview.payable')}</th>
              </tr>
            </thead>
            <tbody>
              {store.lines.map((line) => (
                <tr key={line.sku} data-testid={`quote-line-${line.sku}`}>
                  <td>
                    <div>{line.title}</div>
                    <div className="mono muted">{line.sku}</div>
                  </td>
                  <td className="num">{line.qty}</td>
                  <td className="num strike">{formatYuan(line.listPrice)}</td>
                  <td className="num">
                    {formatYuan(line.unitPrice)}
                    {line.offer && (
                      <div className={`chip chip-${line.offer.kind}`}>{kind(line.offer.kind)}</div>
                    )}
                  </td>
                  <td>
                    <div className="chips">
                      {line.discounts.length === 0 && <span className="muted">—</span>}
                      {line.discounts.map((d) => (
                        <span key={`${d.kind}/${d.id}`} className={`chip chip-${d.kind}`} title={d.id}>
                          {kind(d.kind)} -{formatYuan(d.amount)}
                        </span>
                      ))}
                    </div>
                  </td>
                  <td className="num payable" data-testid={`quote-line-payable-${line.sku}`}>
                    {formatYuan(line.payable)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      ))}

      <div className="quote-side">
        <Panel title={t('preview.applied')} testId="quote-applied">
          {quote.applied.length === 0 ? (
            <p className="empty">{t('common.none')}</p>
          ) : (
            <ul className="plain">
              {quote.applied.map((a) => (
                <li key={`${a.kind}/${a.id}/${a.walletId ?? ''}`}>
                  <span className={`chip chip-${a.kind}`}>{kind(a.kind)}</span>
                  <span className="mono">{a.id}</span>
                  <b className="saving">-{formatYuan(a.amount)}</b>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title={t('preview.hints')} testId="quote-hints">
          {quote.hints.length === 0 ? (
            <p className="empty">{t('preview.noHints')}</p>
          ) : (
            <ul className="plain">
              {quote.hints.map((h) => (
                <li key={`${h.kind}/${h.id}`} data-testid={`quote-hint-${h.id}`}>
                  <span className={`chip chip-${h.kind}`}>{kind(h.kind)}</span>
                  <span>
                    {t('preview.hint', { needed: formatYuan(h.needed), saves: formatYuan(h.saves) })}
                  </span>
                  <span className="muted">{storeName(h.storeId) || h.id}</span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        {quote.gifts.length > 0 && (
          <Panel title={t('preview.gifts')}>
            <ul className="plain">
              {quote.gifts.map((g) => (
                <li key={`${g.promotionId}/${g.sku}`}>
                  <span className="mono">{g.sku}</span> ×{g.qty}
                </li>
              ))}
            </ul>
          </Panel>
        )}
        {quote.walletUnused.length > 0 && (
          <Panel title={t('preview.walletUnused')} testId="quote-wallet-unused">
            <ul className="plain">
              {quote.walletUnused.map((w) => {
                const reasonKey = `reason.${w.reason}`;
                return (
                  <li key={w.id}>
                    <span className="mono">{w.couponId}</span>
                    <span className="muted">{isMessageKey(reasonKey) ? t(reasonKey) : w.reason}</span>
                  </li>
                );
              })}
            </ul>
          </Panel>
        )}
      </div>
    </div>
  );
}
