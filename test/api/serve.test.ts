// `dacu serve` and `dacu migrate` on the demo campaign: the server the CLI starts answers quotes
// exactly as `dacu quote --json`, keeps what it acknowledged across a restart, and refuses bad flags.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.ts';
import { migrateCommand } from '../../src/cli/commands/migrate.ts';
import { quoteCommand } from '../../src/cli/commands/quote.ts';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.ts';
import { readJsonFile } from '../../src/cli/read-json-file.ts';

const demo = fileURLToPath(new URL('../../examples/demo/', import.meta.url));
const campaign = join(demo, 'campaign.yaml');
const AT = Date.parse('2026-11-11T20:05:00+08:00');
const dir = mkdtempSync(join(tmpdir(), 'dacu-serve-'));

let servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(options: Partial<Parameters<typeof startServer>[0]> = {}): Promise<RunningServer> {
  const server = await startServer({
    campaign,
    db: ':memory:',
    port: 0,
    logLevel: 'silent',
    clock: () => AT,
    ...options,
  });
  servers.push(server);
  return server;
}

async function post(url: string, body: unknown, buyer?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (buyer) headers['x-buyer-id'] = buyer;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('dacu serve', () => {
  it('answers the demo cart exactly as `dacu quote --json` prints it', async () => {
    const server = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cartFile = join(demo, 'cart.json');
    const expected = JSON.parse(await quoteCommand({ campaign, cart: cartFile, json: true }));
    const res = await post(`${server.url}/api/quote`, await readJsonFile(cartFile));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(expected));
  });

  it('keeps acknowledged orders and stock across a restart on the same database file', async () => {
    const db = join(dir, 'nested', 'restart.db');
    const first = await serve({ db });
    const placed = await post(`${first.url}/api/orders`, { lines: [{ sku: 's2-cream', qty: 2 }] }, 'u1');
    expect(placed.status).toBe(201);
    const stock = { ...first.engine.ctx.ledger.get('s2-cream') };
    await first.close();

    const second = await serve({ db });
    expect(second.engine.ctx.ledger.get('s2-cream')).toEqual(stock);
    const mine = await fetch(`${second.url}/api/orders`, { headers: { 'x-buyer-id': 'u1' } });
    const body = await mine.json();
    expect(body.items.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
      [placed.body.orders[0].id, 'pending_payment'],
    ]);
    // Still payable after the restart: the pending order was reloaded.
    const paid = await post(`${second.url}/api/orders/${placed.body.orders[0].id}/pay`, {}, 'u1');
    expect(paid.status).toBe(200);
  });

  it('uses --channels and --deadline-minutes', async () => {
    const server = await serve({ channels: 'alipay:failure=1', deadlineMinutes: '5' });
    const placed = await post(`${server.url}/api/orders`, { lines: [{ sku: 's4-milk', qty: 1 }] }, 'u1');
    expect(placed.body.orders[0].deadlineAt).toBe(AT + 5 * 60_000);
    const paid = await post(`${server.url}/api/orders/${placed.body.orders[0].id}/pay`, {}, 'u1');
    expect(paid).toMatchObject({
      status: 200,
      body: { channel: 'wechat', attempts: [{ outcome: 'error' }, { outcome: 'succeeded' }] },
    });
  });

  it.each([
    [{ port: '70000' }, /--port/],
    [{ port: 'abc' }, /--port/],
    [{ deadlineMinutes: '0' }, /--deadline-minutes/],
    [{ channels: 'paypal:latency=1' }, /--channels.*unknown channel "paypal"/],
    [{ campaign: join(dir, 'missing.yaml') }, /no such file/],
  ])('refuses %j', async (options, message) => {
    const attempt = serve(options);
    await expect(attempt).rejects.toThrow(CliError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('dacu migrate', () => {
  it('creates the folder and the schema, then has nothing left to do', async () => {
    const db = join(dir, 'fresh', 'dacu.db');
    expect(await migrateCommand({ db })).toMatch(/migrated:\n {2}✓ 0001_trade_core/);
    expect(await migrateCommand({ db })).toMatch(/already up to date/);
    // A server starts on the migrated file.
    const server = await serve({ db });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
