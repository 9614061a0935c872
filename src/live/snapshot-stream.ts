// Server-Sent Events for the cockpit: every client gets the whole snapshot (event `snapshot`,
// `id:` = the board's seq) as soon as it connects, then again at most every pushMs when the board
// changed, and at least every refreshMs so time-driven figures (orders/s, pacing) move on a quiet
// board; a comment line every heartbeatMs keeps proxies from closing an idle stream. A snapshot is
// the whole state, so a client reconnecting with Last-Event-ID misses nothing: its catch-up is
// the current snapshot. A slow client is skipped until it drains (the next snapshot supersedes).
import type { ServerResponse } from 'node:http';

export interface StreamOptions {
  pushMs?: number;
  refreshMs?: number;
  heartbeatMs?: number;
}

export interface StreamSource {
  /** Changes whenever the snapshot would. */
  version(): number;
  /** The current snapshot, serialised, and its seq. */
  current(): { seq: number; json: string };
}

interface Client {
  res: ServerResponse;
  blocked: boolean;
}

export const STREAM_DEFAULTS = { pushMs: 500, refreshMs: 5_000, heartbeatMs: 15_000 } as const;
/** Tells EventSource how long to wait before reconnecting. */
const RETRY_MS = 2_000;

export class SnapshotStream {
  private readonly clients = new Set<Client>();
  private readonly settings: Required<StreamOptions>;
  private pushTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pushedVersion = -1;
  private pushedAt = 0;

  constructor(
    private readonly source: StreamSource,
    options: StreamOptions = {},
  ) {
    this.settings = { ...STREAM_DEFAULTS, ...options };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response: headers, the current snapshot at once, then pushes until it closes. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client: Client = { res, blocked: false };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.on('drain', () => {
      client.blocked = false;
    });
    this.write(client, `retry: ${RETRY_MS}\n\n`);
    const { seq, json } = this.source.current();
    this.write(client, frame(seq, json));
    this.startTimers();
  }

  /** Ends every stream (the server is stopping) and stops the timers. */
  close(): void {
    if (this.pushTimer) clearInterval(this.pushTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.pushTimer = null;
    this.heartbeatTimer = null;
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  /** Pushes the current snapshot if it changed (or is due a refresh); the push timer calls it. */
  push(now = Date.now()): void {
    if (this.clients.size === 0) return;
    const version = this.source.version();
    if (version === this.pushedVersion && now - this.pushedAt < this.settings.refreshMs) return;
    this.pushedVersion = version;
    this.pushedAt = now;
    const { seq, json } = this.source.current();
    const data = frame(seq, json);
    for (const client of this.clients) if (!client.blocked) this.write(client, data);
  }

  private heartbeat(): void {
    for (const client of this.clients) if (!client.blocked) this.write(client, ': heartbeat\n\n');
  }

  private write(client: Client, data: string): void {
    if (client.res.writableEnded || client.res.destroyed) return;
    if (!client.res.write(data)) client.blocked = true;
  }

  private startTimers(): void {
    if (this.pushTimer) return;
    this.pushTimer = setInterval(() => this.push(), this.settings.pushMs);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.settings.heartbeatMs);
    this.pushTimer.unref();
    this.heartbeatTimer.unref();
  }
}

/** One SSE event; JSON has no raw newlines, so `data:` is one line. */
export function frame(seq: number, json: string): string {
  return `event: snapshot\nid: ${seq}\ndata: ${json}\n\n`;
}
