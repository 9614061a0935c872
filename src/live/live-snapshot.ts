// The live board as the cockpit (web/) reads it: GET /api/live/snapshot and every `snapshot` event
// of GET /api/live/stream carry exactly this. Money is integer fen, times are ISO with the
// campaign's offset (+08:00), rates are fractions (0.87 = 87%), shares are percent.

export interface LivePhase {
  id: string;
  name: string;
  start: string | null;
  end: string | null;
  gmvSharePercent: number;
  /** targetGmv × gmvSharePercent; null without a GMV target. */
  targetGmv: number | null;
  /** 节奏: the cumulative percent of the share due by moments inside the phase; empty = even. */
  pace: { at: string; percent: number }[];
}

export interface LiveCampaign {
  id: string;
  name: string;
  timezone: string;
  targetGmv: number | null;
  targetOrders: number | null;
  phases: LivePhase[];
}

export interface LiveGmv {
  paid: number;
  placed: number;
  target: number | null;
  /** What the pacing curve expects by now: target × Σ phase share × elapsed part of the phase. */
  expectedByNow: number | null;
  /** paid ÷ expectedByNow; null when nothing is expected yet. */
  pacingRatio: number | null;
  currentPhase: string | null;
  /** The current phase against its own share of the target (the day's plan on 11.11). */
  phase: LivePhasePacing | null;
  curve: LivePacingCurve;
}

export interface LivePhasePacing {
  id: string;
  name: string;
  /** The phase's share of the GMV target; null without a target. */
  target: number | null;
  /** GMV paid since the phase began. */
  paid: number;
  /** target × the part of its share the phase's pace expects by now (even without a pace). */
  expectedByNow: number | null;
  /** paid ÷ expectedByNow; null when nothing is expected yet. */
  pacingRatio: number | null;
}

/** GMV paid against the plan over a span, counted from the span's start. */
export interface LivePacingCurve {
  /** The current phase (against its share), else the whole plan, else the day in the campaign's zone. */
  scope: 'phase' | 'plan' | 'day';
  start: string;
  end: string;
  /** Even steps from start to end, with now and the phase boundaries; `paid` is null after now,
   * `expected` null without a target (or on a day with no plan). */
  points: LivePacingPoint[];
}

export interface LivePacingPoint {
  t: string;
  expected: number | null;
  paid: number | null;
}

export interface LiveOrders {
  placed: number;
  paid: number;
  cancelled: number;
  expired: number;
  /** Pre-sales closed at the balance deadline with the balance unpaid (the deposit is kept). */
  forfeited: number;
  /** Orders placed per second over the last 10 seconds. */
  perSecond: number;
}

/** One 10-second bucket; `t` is its start. */
export interface LiveSeriesPoint {
  t: string;
  placed: number;
  paid: number;
  gmvPaid: number;
}

/** Shoppers, each counted once in every step up to the furthest it reached (src/live/buyer-funnel.ts). */
export interface LiveFunnel {
  /** Signed-in shoppers served the catalogue, or who went further. */
  visited: number;
  /** …who priced a cart (POST /api/quote), or placed an order. */
  priced: number;
  /** …who placed an order. */
  ordered: number;
  /** …who paid one. */
  paid: number;
}

export interface LiveTopSku {
  sku: string;
  title: string;
  units: number;
  gmv: number;
}

export interface LiveTopCategory {
  category: string;
  gmv: number;
  sharePercent: number;
  targetSharePercent: number | null;
}

export interface LiveStockAlert {
  sku: string;
  title: string;
  storeId: string;
  /** spot: the SKU's own stock; presale: its pre-sale pool, while the pre-sale takes deposits. */
  pool: 'spot' | 'presale';
  available: number;
  state: 'low' | 'sold_out';
  /** What an operator set for this SKU (pre-sale or substitute), null when nothing is set. */
  action: LiveStockAction | null;
}

/** A sold-out action as the board shows it (src/domain/sold-out-action.ts). */
export type LiveStockAction =
  | { kind: 'presale'; shipDate: string; units: number }
  | { kind: 'substitute'; substituteSku: string };

export interface LiveChannel {
  name: string;
  succeeded: number;
  errors: number;
  timeouts: number;
  /** Payments that left this channel for another after it failed them. */
  failovers: number;
  /** Charges this channel took that the sale could not book, given back through it. */
  refunded: number;
  /** Such charges whose refund failed: the operators must give the money back. */
  refundsFailed: number;
  /** succeeded ÷ (succeeded + errors + timeouts); declines are the bank's, not the channel's. */
  successRate: number | null;
}

export interface LiveDeadline {
  orderId: string;
  deadlineAt: string;
  payable: number;
}

export interface LiveUnpaid {
  count: number;
  amount: number;
  nextDeadlines: LiveDeadline[];
}

export interface LiveSnapshot {
  /** The last event folded in. */
  seq: number;
  at: string;
  campaign: LiveCampaign;
  gmv: LiveGmv;
  orders: LiveOrders;
  series: LiveSeriesPoint[];
  paymentRate: number | null;
  averageOrderValue: number | null;
  funnel: LiveFunnel;
  topSkus: LiveTopSku[];
  topCategories: LiveTopCategory[];
  stockAlerts: LiveStockAlert[];
  channels: LiveChannel[];
  unpaid: LiveUnpaid;
}
