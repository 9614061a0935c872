// The shoppers' HTTP client: real requests over keep-alive connections (node:http), at most
// `concurrency` in flight, each timed into the latency book. A rehearsal is load: it only ever
// talks to this machine (loopback), never to someone else's server.
import http from 'node:http';
import { type Endpoint, LatencyBook } from './latency.ts';

export const HTTP_TIMEOUT_MS = 30_000;
export const CONCURRENCY_MAX = 4_096;

export class NotLoopback extends Error {
  override name = 'NotLoopback';
}

/** The URL, if it names this machine: 127.0.0.0/8, localhost or ::1. Anything else is refused. */
export function loopbackUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NotLoopback(`--url ${text}: not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:') throw new NotLoopback(`--url ${text}: only http:// is supported`);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback =
    host === 'localhost' ||
    host === '::1' ||
    /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) ||
    /^::ffff:127\./.test(host);
  if (!loopback) {
    throw new NotLoopback(
      `--url ${text}: 演练只能压测本机 a rehearsal only drives a server on this machine (127.0.0.0/8, localhost or ::1), not ${url.hostname}`,
    );
  }
  return url;
}

export interface HttpReply {
  /** 0 when the request never got an answer (connection refused, reset, timeout). */
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the server, read field by field
  body: any;
  ms: number;
  error?: string;
}

export interface CallOptions {
  buyer?: string;
  idempotencyKey?: string;
  /** Sent as JSON; absent = no body. */
  json?: unknown;
  /**
   * A 2xx answer's body is read off the socket but not decoded (body: undefined): for pages the
   * shopper only looks at. The catalogue is 14.5 KB of JSON with Chinese text, ≈ 86 µs of this
   * thread's CPU to decode and parse, CPU the server on the same two cores then lacks. An error's
   * problem+json is always decoded.
   */
  ignoreOkBody?: boolean;
}

/** A counting semaphore: at most `permits` holders at once, served in arrival order. */
class Permits {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free -= 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

export class ShopperClient {
  readonly latency = new LatencyBook();
  private readonly agent: http.Agent;
  private readonly permits: Permits;
  private readonly host: string;
  private readonly port: number;
  requests = 0;
  transportErrors = 0;

  constructor(
    readonly baseUrl: URL,
    private readonly maxSockets: number,
  ) {
    const concurrency = maxSockets;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    this.permits = new Permits(concurrency);
    this.host = baseUrl.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(baseUrl.port || 80);
  }

  /** Requests waiting for a free connection (the driver's own queue). */
  get queued(): number {
    return this.permits.queued;
  }

  async call(endpoint: Endpoint, method: 'GET' | 'POST', path: string, options: CallOptions = {}) {
    const waiting = this.permits.acquire();
    if (waiting) await waiting;
    try {
      const reply = await this.send(method, path, options);
      this.requests += 1;
      if (reply.status === 0) this.transportErrors += 1;
      else this.latency.record(endpoint, reply.ms);
      return reply;
    } finally {
      this.permits.release();
    }
  }

  private send(method: string, path: string, options: CallOptions): Promise<HttpReply> {
    const headers: Record<string, string | number> = {};
    if (options.buyer !== undefined) headers['x-buyer-id'] = options.buyer;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const done = (reply: Omit<HttpReply, 'ms'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...reply, ms: performance.now() - started });
      };
      const request = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (response) => {
          const status = response.statusCode ?? 0;
          if (options.ignoreOkBody && status >= 200 && status < 300) {
            response.on('error', (error) => done({ status: 0, body: undefined, error: error.message }));
            response.on('end', () => done({ status, body: undefined }));
            response.resume();
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => done({ status: 0, body: undefined, error: error.message }));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text === '' ? undefined : JSON.parse(text);
            } catch {
              body = undefined;
            }
            done({ status, body });
          });
        },
      );
      request.setTimeout(HTTP_TIMEOUT_MS, () => request.destroy(new Error('timeout')));
      request.on('error', (error) => done({ status: 0, body: undefined, error: error.message }));
      request.end(payload);
    });
  }

  /**
   * Opens the keep-alive connections a few at a time before the day starts. Hundreds of connects in
   * the same millisecond (the midnight rush) otherwise overflow the server's accept queue, and the
   * SYN retries (1 s, 3 s, 7 s…) show up as requests that take 15 s for no fault of the server.
   */
  async warmUp(connections: number): Promise<void> {
    const burst = 16;
    const sockets = Math.min(connections, this.maxSockets);
    for (let opened = 0; opened < sockets; opened += burst) {
      const batch = Math.min(burst, sockets - opened);
      // Holding `opened + batch` requests at once makes the agent open that many sockets.
      await Promise.all(Array.from({ length: opened + batch }, () => this.send('GET', '/health', {})));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
