// What the cockpit reads from the dacu API. Every money field is integer fen (分); times are
// ISO-8601 strings with an offset unless said otherwise.

export type Role = 'admin' | 'operator' | 'viewer';

export interface Me {
  username: string;
  role: Role;
}

export interface Problem {
  code: string;
  detail?: string;
  path?: string;
  title?: string;
  status?: number;
}

export interface PhaseView {
  id: string;
  name: string;
  start: string | null;
  end: string | null;
  gmvSharePercent: number;
  targetGmv: number | null;
  /** 节奏: the cumulative percent of the share due by moments inside the phase; empty = even. */
  pace: { at: string; percent: number }[];
}

/** The campaign and its plan: targets and phases. */
export interface CampaignPlan {
  id: string;
  name: string;
  timezone: string;
  targetGmv: number | null;
  targetOrders: number | null;
  phases: PhaseView[];
}

export interface SeriesPoint {
  t: string;
  placed: number;
  paid: number;
  gmvPaid: number;
}

/** A sold-out action (POST /api/admin/skus/:sku/sold-out-action takes the same body). */
export type StockAction =
  | { kind: 'presale'; shipDate: string; units: number }
  | { kind: 'substitute'; substituteSku: string };

export interface PhasePacing {
  id: string;
  name: string;
  target: number | null;
  /** Paid since the phase began. */
  paid: number;
  expectedByNow: number | null;
  pacingRatio: number | null;
}

/** Paid GMV against the plan over the current phase (else the plan, else today), from its start. */
export interface PacingCurve {
  scope: 'phase' | 'plan' | 'day';
  start: string;
  end: string;
  points: { t: string; expected: number | null; paid: number | null }[];
}

export interface LiveSnapshot {
  seq: number;
  at: string;
  campaign: CampaignPlan;
  gmv: {
    paid: number;
    placed: number;
    target: number | null;
    expectedByNow: number | null;
    pacingRatio: number | null;
    currentPhase: string | null;
    /** The current phase against its own share of the target; null between phases. */
    phase: PhasePacing | null;
    curve: PacingCurve;
  };
  orders: {
    placed: number;
    paid: number;
    cancelled: number;
    expired: number;
    /** Pre-sales closed with the balance unpaid (deposit kept). */
    forfeited: number;
    perSecond: number;
  };
  series: SeriesPoint[];
  paymentRate: number | null;
  averageOrderValue: number | null;
  /** Shoppers: each counted in every step up to the furthest it reached. */
  funnel: { visited: number; priced: number; ordered: number; paid: number };
  topSkus: { sku: string; title: string; units: number; gmv: number }[];
  topCategories: { category: string; gmv: number; sharePercent: number; targetSharePercent: number | null }[];
  stockAlerts: {
    sku: string;
    title: string;
    storeId: string;
    /** spot: the SKU's own stock; presale: its pre-sale pool, while the pre-sale takes deposits. */
    pool: 'spot' | 'presale';
    available: number;
    state: 'low' | 'sold_out';
    /** The operators' sold-out action for this SKU, null when none is set. */
    action: StockAction | null;
  }[];
  channels: {
    name: string;
    succeeded: number;
    errors: number;
    timeouts: number;
    failovers: number;
    refunded: number;
    /** Refunds that failed: money the operators must give back by hand. */
    refundsFailed: number;
    successRate: number | null;
  }[];
  unpaid: {
    count: number;
    amount: number;
    nextDeadlines: { orderId: string; deadlineAt: string; payable: number }[];
  };
}

/** A promotion or coupon as the admin API lists it: id, kind, name and window, then its own fields. */
export interface AdminOffer {
  id: string;
  kind: string;
  name?: string;
  start?: string | number | null;
  end?: string | number | null;
  [field: string]: unknown;
}

export interface AdminCatalogItem {
  sku: string;
  title: string;
  storeId: string;
  category: string;
  role: string;
  listPrice: number;
  cost: number;
  stock: number;
}

export interface FlashSession {
  id: string;
  sku: string;
  title: string;
  price: number;
  quantity: number;
  remaining: number;
  perBuyer: number;
  start: string | number | null;
  end: string | number | null;
}

export interface AdminCampaign {
  campaign: CampaignPlan;
  stores: { id: string; name: string }[];
  catalog: AdminCatalogItem[];
  promotions: AdminOffer[];
  coupons: AdminOffer[];
  flashSessions: FlashSession[];
  /** Paid membership programmes (88VIP…). */
  memberships: { id: string; name: string; discountPercent: number }[];
}

export interface QuoteRequest {
  buyer?: { id: string; memberships?: string[] };
  at?: string;
  lines: { sku: string; qty: number }[];
  wallet?: string[];
}

export interface Discount {
  id: string;
  kind: string;
  amount: number;
}

export interface QuoteLine {
  sku: string;
  title: string;
  qty: number;
  listPrice: number;
  unitPrice: number;
  offer: { id: string; kind: string } | null;
  payable: number;
  discounts: Discount[];
  presale?: { promotionId: string; deposit: number; depositValue: number; balanceDue: number } | null;
}

export interface Quote {
  at: string;
  payable: number;
  savings: number;
  listTotal: number;
  dueNow: number;
  dueLater: number;
  stores: { storeId: string; storeName: string; payable: number; lines: QuoteLine[] }[];
  applied: (Discount & { walletId?: string })[];
  hints: { id: string; kind: string; storeId: string | null; needed: number; saves: number }[];
  gifts: { promotionId: string; sku: string; qty: number }[];
  walletUnused: { id: string; couponId: string; reason: string }[];
}
