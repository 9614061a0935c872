// A real `dacu serve` (startServer) over SQLite for the live board's HTTP tests: operators, the
// event tail and the SSE stream with short intervals, the clock fixed inside the sale.

import { hashPassword, type OperatorSpec } from '../../src/api/auth.ts';
import { type RunningServer, type ServeOptions, startServer } from '../../src/cli/commands/serve.ts';
import { AT, campaignOf, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { testCatalog, testCoupons, testPromotions } from '../api/api-harness.ts';

export { AT };

const HOUR = 3_600_000;

export const OPERATORS = [
  { username: 'boss', password: 'right-horse-battery', role: 'admin' as const },
  { username: 'screen', password: 'just-looking', role: 'viewer' as const },
];

/** The API tests' sale, with a flash session on the cup, a GMV target and two phases (the second paced). */
export function liveCampaign(): Campaign {
  const { campaign } = campaignOf({
    catalog: testCatalog(),
    promotions: [
      ...testPromotions(),
      promo.flash('fs-cup', 'cup', 500, 10, 5, { startMs: AT - HOUR, endMs: AT + HOUR }),
    ],
    coupons: testCoupons(),
  });
  return {
    ...campaign,
    phases: [
      {
        id: 'warm',
        name: '预热期',
        window: { startMs: AT - 2 * HOUR, endMs: AT - HOUR },
        gmvSharePercent: 20,
      },
      {
        id: 'peak',
        name: '高潮期',
        window: { startMs: AT - HOUR, endMs: AT + HOUR },
        gmvSharePercent: 80,
        // The first hour is the rush: three quarters of the share is due by AT.
        pace: [{ atMs: AT, percent: 75 }],
      },
    ],
    targets: { gmvFen: 10_000_000, orders: 100, categorySharePercent: { appliances: 70, general: 30 } },
  };
}

export interface Call {
  status: number;
  contentType: string;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  body: any;
  text: string;
}

export class LiveApi {
  constructor(readonly server: RunningServer) {}

  get url(): string {
    return this.server.url;
  }

  async call(
    method: string,
    path: string,
    options: { json?: unknown; cookie?: string; buyer?: string; headers?: Record<string, string> } = {},
  ): Promise<Call> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.buyer) headers['x-buyer-id'] = options.buyer;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      headers: res.headers,
      body: parsed,
      text,
    };
  }

  /** Signs in and returns the cookie to send back. */
  async login(username: string, password: string): Promise<string> {
    const res = await this.call('POST', '/api/auth/login', { json: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  /** Places an order for `lines` and pays it; returns the placed order. */
  async buy(buyer: string, lines: { sku: string; qty: number }[]): Promise<{ id: string; payable: number }> {
    const placed = await this.call('POST', '/api/orders', { buyer, json: { lines } });
    if (placed.status !== 201) throw new Error(`place: ${placed.status} ${placed.text}`);
    const order = placed.body.orders[0];
    const paid = await this.call('POST', `/api/orders/${order.id}/pay`, { buyer, json: {} });
    if (paid.status !== 200) throw new Error(`pay: ${paid.status} ${paid.text}`);
    return order;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The accounts with their passwords hashed once per test file (scrypt is slow on purpose). */
let hashed: Promise<OperatorSpec[]> | null = null;
function hashedOperators(): Promise<OperatorSpec[]> {
  hashed ??= Promise.all(
    OPERATORS.map(async ({ username, password, role }) => ({
      username,
      role,
      passwordHash: await hashPassword(password),
    })),
  );
  return hashed;
}

export async function startLive(options: Partial<ServeOptions> = {}): Promise<LiveApi> {
  const server = await startServer({
    campaign: liveCampaign(),
    db: ':memory:',
    port: 0,
    logLevel: 'silent',
    clock: () => AT,
    operators: await hashedOperators(),
    live: { pollMs: 10, pushMs: 25, refreshMs: 60_000, heartbeatMs: 60_000 },
    config: { timerTickMs: 60_000 },
    ...options,
  });
  return new LiveApi(server);
}

export interface SseEvent {
  event: string | null;
  id: string | null;
  data: string;
}

/** Reads an SSE response with fetch: frames separated by a blank line; comments kept apart. */
export class SseReader {
  readonly comments: string[] = [];
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<string>;

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    this.reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  static async open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    return new SseReader(response, controller);
  }

  /** The next event with data; rejects after `timeoutMs`, resolves null when the stream ends. */
  async next(timeoutMs = 3_000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.frame(Math.max(1, deadline - Date.now()));
      if (frame === null) return null;
      const event = this.parse(frame);
      if (event) return event;
    }
  }

  /** Reads frames until a comment arrives (a heartbeat); returns it. */
  async comment(timeoutMs = 3_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const seen = this.comments.length;
    while (this.comments.length === seen) {
      const frame = await this.frame(Math.max(1, deadline - Date.now()));
      if (frame === null) throw new Error('the stream ended');
      this.parse(frame);
    }
    return this.comments[seen]!;
  }

  /** The next raw frame, or null at the end of the stream. */
  private async frame(timeoutMs: number): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no SSE frame in time');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no SSE frame in time')), left);
      });
      try {
        const { value, done } = await Promise.race([this.reader.read(), timeout]);
        if (done) return null;
        this.buffer += value;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Reads events until one's JSON data satisfies `matches`. */
  // biome-ignore lint/suspicious/noExplicitAny: snapshot JSON
  async until(matches: (data: any) => boolean, timeoutMs = 3_000): Promise<SseEvent & { json: any }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (!event) throw new Error('the stream ended');
      const json = JSON.parse(event.data);
      if (matches(json)) return { ...event, json };
    }
  }

  close(): void {
    this.controller.abort();
  }

  private parse(frame: string): SseEvent | null {
    let event: string | null = null;
    let id: string | null = null;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    return data.length > 0 ? { event, id, data: data.join('\n') } : null;
  }
}
