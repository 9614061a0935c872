// Sold-out actions when several servers share PostgreSQL and Redis: the action is written to
// PostgreSQL (sku_actions, with its event), then a switch to pre-sale adds its units in Redis under
// an id made of the SKU and the action's time, so the units are added once however many servers
// (or reconciler passes after a crash between the two) apply it. The server then tells the others
// (a Redis notice), and they take the action up at once: until they do, a checkout of the SKU on
// another server would take the new units as spot stock, shipping now. Notices can be missed (a
// server reconnecting), so each server's reconciler pass also reads every action from PostgreSQL.
// Notices, passes and a failed commit's undo reach a server in any order, so each server keeps the
// instant of the action it holds per SKU and never takes an older one over a newer.
import { checkSoldOutAction, type SoldOutAction, sameSoldOutAction } from '../../domain/sold-out-action.ts';
import type { Recorder } from '../idempotency.ts';
import type { Outcome } from '../problem.ts';
import { refusalToSet, type SoldOutActionSet } from '../sold-out-actions.ts';
import { event } from '../trade-context.ts';
import type { SharedContext } from './shared-context.ts';

export async function setSharedSoldOutAction(
  shared: SharedContext,
  sku: string,
  action: SoldOutAction,
  operator: string,
  record: Recorder<SoldOutActionSet> = () => {},
): Promise<Outcome<SoldOutActionSet>> {
  const { ctx } = shared;
  // Judged on Redis's stock as it is now (another server may have sold the last units), not on
  // this server's periodic mirror of it.
  const substitute = action.kind === 'substitute' ? [action.substituteSku] : [];
  const known = [sku, ...substitute].filter((s) => ctx.index.items.has(s));
  if (known.length > 0) await shared.refreshMirror(known);
  const refusal = refusalToSet(ctx, sku, action);
  if (refusal) return refusal;
  const answer = { ok: true, value: { sku, action } } as const;
  // What the SKU already has (set here, even if not yet on disk, or heard from another server): a
  // retry adds nothing, answered once the first is on disk, and completes the first's restock if
  // it was cut short (applied once, by id). Two servers given the same new action in the same
  // instant would both apply it, unless it carries an Idempotency-Key (the cockpit sends one per
  // submit): then one server runs it and the other answers what it answered.
  const before = ctx.soldOutActions.get(sku);
  const beforeAt = shared.soldOutActionAt.get(sku);
  if (sameSoldOutAction(before, action)) {
    await ctx.commits.wait(() => {});
    // The first setting's batch may have failed meanwhile (and been undone): then set it anew.
    if (!sameSoldOutAction(ctx.soldOutActions.get(sku), action))
      return setSharedSoldOutAction(shared, sku, action, operator, record);
    if (beforeAt !== undefined) await applyRestock(shared, sku, action, beforeAt);
    record(answer);
    await ctx.commits.wait(() => {});
    return answer;
  }
  record(answer);
  const at = Math.max(ctx.clock(), beforeAt ?? Number.NEGATIVE_INFINITY);
  holdAction(shared, sku, action, at, true);
  ctx.commits.open.skuActions.push({ sku, action: JSON.stringify(action), operator, at });
  ctx.commits.open.events.push(event('SoldOutActionSet', at, null, null, { sku, action, operator }));
  await ctx.commits.wait(() => {
    // Unless a newer action came in meanwhile, what the SKU had before.
    if (shared.soldOutActionAt.get(sku) !== at || ctx.soldOutActions.get(sku) !== action) return;
    if (before && beforeAt !== undefined) holdAction(shared, sku, before, beforeAt, true);
    else {
      ctx.soldOutActions.delete(sku);
      shared.soldOutActionAt.delete(sku);
    }
  });
  await applyRestock(shared, sku, action, at);
  await shared.refreshMirror([sku]);
  // The action is in PostgreSQL: if Redis cannot take the notice, the others read it there on
  // their next pass, and the operator's change stands.
  await shared.notices.publish('sold-out-actions', JSON.stringify({ sku, action, at })).catch(() => {});
  return answer;
}

/**
 * This server's catalogue and checkouts follow `action` for `sku`, unless it holds a newer one.
 * `own`: set here, after anything this server held (program order); from elsewhere (a notice, a
 * pass over PostgreSQL), an action of the same instant as the one held is taken as the same.
 */
function holdAction(
  shared: SharedContext,
  sku: string,
  action: SoldOutAction,
  at: number,
  own: boolean,
): boolean {
  const heldAt = shared.soldOutActionAt.get(sku);
  if (heldAt !== undefined && (own ? at < heldAt : at <= heldAt)) return false;
  shared.ctx.soldOutActions.set(sku, action);
  shared.soldOutActionAt.set(sku, at);
  return true;
}

/** Another server's (or this one's) notice of an action: this server's catalogue and checkouts follow it. */
export async function followSoldOutNotice(shared: SharedContext, message: string): Promise<boolean> {
  let notice: { sku?: unknown; action?: unknown; at?: unknown };
  try {
    notice = JSON.parse(message);
  } catch {
    return false;
  }
  const { sku, action, at } = notice;
  if (typeof sku !== 'string' || !isSoldOutAction(action) || typeof at !== 'number') return false;
  if (checkSoldOutAction(shared.ctx.index, sku, action)) return false;
  if (!holdAction(shared, sku, action, at, false)) return false;
  await shared.refreshMirror([sku]);
  return true;
}

function isSoldOutAction(value: unknown): value is SoldOutAction {
  const a = value as Partial<Record<string, unknown>> | null;
  if (typeof a !== 'object' || a === null) return false;
  if (a.kind === 'presale') return typeof a.shipDate === 'string' && typeof a.units === 'number';
  return a.kind === 'substitute' && typeof a.substituteSku === 'string';
}

/** Adds a pre-sale switch's units in Redis, once per action; true when this call added them. */
export async function applyRestock(
  shared: Pick<SharedContext, 'hot'> & { ctx: Pick<SharedContext['ctx'], 'index'> },
  sku: string,
  action: SoldOutAction,
  at: number,
): Promise<boolean> {
  const storeId = shared.ctx.index.items.get(sku)?.storeId;
  if (action.kind !== 'presale' || !storeId) return false;
  // Until session 8 the id was `presale@<at>` alone, and a second switch in the same millisecond
  // failed (and every reconciler pass after it). Units a server of that version added under the
  // old id count as added.
  const legacyUnits = await shared.hot.restockUnits(storeId, sku, `presale@${at}`);
  if (legacyUnits === action.units) return false;
  return shared.hot.restock(storeId, sku, action.units, `presale@${at}:${action.shipDate}:${action.units}`);
}

/** Reads every server's sold-out actions into this server's catalogue, and adds any units a crash left out. */
export async function followSoldOutActions(shared: SharedContext): Promise<number> {
  let applied = 0;
  for (const row of await shared.ctx.store.loadSkuActions()) {
    const action = JSON.parse(row.action) as SoldOutAction;
    if (await applyRestock(shared, row.sku, action, row.at)) applied += 1;
    holdAction(shared, row.sku, action, row.at, false);
  }
  return applied;
}
