// A `dacu serve` whose Redis goes away mid-sale (a private redis-server, killed): what PostgreSQL
// had decided is answered as decided (a payment that went through is paid, not a 500), Redis
// follows later; what needs Redis answers 503 SERVICE_UNAVAILABLE with Retry-After within the
// command timeout, not after half a minute.
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/support/free-port.ts';
import { post, smallSale } from '../shared/shared-servers.ts';
import { type ServeProcess, spawnServe } from '../support/serve-process.ts';
import { dropTestSchema, freshPostgresUrl } from '../support/test-store.ts';

const db = freshPostgresUrl();
let redisServer: ChildProcess | null = null;
let server: ServeProcess | null = null;
afterAll(async () => {
  server?.child.kill('SIGKILL');
  redisServer?.kill('SIGKILL');
  await dropTestSchema(db);
});

describe('Redis away mid-sale', () => {
  it('answers what PostgreSQL decided, and 503 for what needs Redis', async () => {
    const port = await freePort();
    redisServer = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => {}); // refused until redis-server listens
    expect(await probe.ping()).toBe('PONG');
    await probe.quit();
    server = await spawnServe(['--campaign', smallSale, '--db', db, '--redis', `redis://127.0.0.1:${port}`]);
    const placed = await post(`${server.url}/api/orders`, 'u1', { lines: [{ sku: 's1-tv', qty: 1 }] });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orders[0].id as string;

    redisServer.kill('SIGKILL');
    await new Promise((resolve) => redisServer!.once('exit', resolve));

    const paidAt = Date.now();
    const paid = await post(`${server.url}/api/orders/${orderId}/pay`, 'u1', {});
    expect([paid.status, paid.body.status]).toEqual([200, 'paid']);
    expect(Date.now() - paidAt).toBeLessThan(10_000);

    const placingAt = Date.now();
    const res = await fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-buyer-id': 'u2' },
      body: JSON.stringify({ lines: [{ sku: 's1-tv', qty: 1 }] }),
    });
    expect(res.status).toBe(503);
    expect(Date.now() - placingAt).toBeLessThan(10_000);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');

    // Alive, but not ready: a load balancer takes it out until Redis is back.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: 'not answering: redis',
      checks: { database: true, redis: false },
    });
  }, 60_000);
});
