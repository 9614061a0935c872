// GET /metrics for Prometheus (DOMAIN.md §7: Prometheus + Grafana for health), in its text format.
// Two kinds: this server's own (HTTP, group commits, its board's lag) and the sale's, which every
// server of a shared sale reports alike from the one event log and Redis (orders, GMV, stock
// alerts): those say "sale-wide" in their help, and are aggregated with max(), not sum().
// No sign-in: it is meant for the internal network only — let the load balancer or a firewall keep
// it from the outside. Each server has its own registry, so tests may build several servers; the
// process metrics (CPU, memory, event loop, GC) belong to the process and are registered once.
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveService } from '../live/live-service.ts';
import type { TradeEngine } from '../services/trade-engine.ts';

let processRegistry: Registry | null = null;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const ORDER_EVENTS = ['placed', 'paid', 'cancelled', 'expired'] as const;

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route'>;

  constructor(live: LiveService, engine: TradeEngine) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'dacu_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'dacu_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const board = live.board;
    // Counters that mirror totals kept elsewhere: each scrape adds what grew since the last one.
    const reported = new Map<string, number>();
    const catchUp = (
      counter: Counter<string>,
      key: string,
      total: number,
      labels?: Record<string, string>,
    ) => {
      const delta = total - (reported.get(key) ?? 0);
      if (delta <= 0) return;
      reported.set(key, total);
      if (labels) counter.inc(labels, delta);
      else counter.inc(delta);
    };
    const orders = new Counter({
      name: 'dacu_orders_total',
      help: 'Sale-wide (the same on every server: aggregate with max, not sum): orders by event (placed, paid, cancelled, expired), from the event log',
      labelNames: ['event'],
      registers,
      collect() {
        for (const event of ORDER_EVENTS) catchUp(this, `orders:${event}`, board.orders[event], { event });
      },
    });
    // Every label shows from the first scrape, at 0.
    for (const event of ORDER_EVENTS) orders.inc({ event }, 0);
    new Counter({
      name: 'dacu_group_commit_batches_total',
      help: 'Group commits written (one transaction each)',
      registers,
      collect() {
        catchUp(this, 'batches', engine.ctx.commits.stats.batches);
      },
    });
    new Gauge({
      name: 'dacu_gmv_paid_fen',
      help: 'Sale-wide (the same on every server: aggregate with max, not sum): paid GMV in fen, from the event log',
      registers,
      collect() {
        this.set(board.gmvPaidFen);
      },
    });
    new Gauge({
      name: 'dacu_stock_alerts',
      help: 'Sale-wide (the same on every server: aggregate with max, not sum): SKUs sold out or running low',
      labelNames: ['state'],
      registers,
      collect() {
        const alerts = live.snapshot().stockAlerts;
        for (const state of ['low', 'sold_out'] as const)
          this.set({ state }, alerts.filter((a) => a.state === state).length);
      },
    });
    new Counter({
      name: 'dacu_event_seqs_given_up_total',
      help: "Event seqs this server's board stopped waiting for (never committed, or past its limits); a rise with no rolled-back writes means events the board missed",
      registers,
      collect() {
        catchUp(this, 'given-up', live.tail.givenUp);
      },
    });
    new Counter({
      name: 'dacu_funnel_reaches_dropped_total',
      help: "Shoppers' funnel steps this server left out of the sale-wide funnel (too many waiting for Redis)",
      registers,
      collect() {
        catchUp(this, 'funnel-dropped', live.funnelSync?.dropped ?? 0);
      },
    });
    new Gauge({
      name: 'dacu_event_lag_seconds',
      help: 'Now minus the time of the last event the live board folded in (0 before any)',
      registers,
      collect() {
        const last = board.lastEventAt;
        this.set(last === null ? 0 : Math.max(0, (engine.ctx.clock() - last) / 1000));
      },
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
  }

  async render(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}

export function metricsRoutes(app: FastifyInstance, metrics: ApiMetrics): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary: '监控指标（Prometheus，仅限内网）— Metrics for Prometheus (internal network only)',
        description:
          'Prometheus text format: process metrics, HTTP requests and durations, orders by event, paid GMV, stock alerts, event lag and seqs given up, funnel steps dropped, group commits. Orders, GMV and stock alerts are the whole sale on every server of a shared sale: aggregate them with max(), not sum(). No sign-in: expose it on the internal network only.',
        response: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.render();
    },
  );
}
