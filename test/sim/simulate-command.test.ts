// dacu simulate as a user runs it: driving a running server by --url (the invariants from the API
// alone), and the command itself (flags, its own server, --json, the exit code).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/cli/cli-error.ts';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.ts';
import { type SimServer, simulateCommand, startSimServer } from '../../src/cli/commands/simulate.ts';
import { loadCampaignFile } from '../../src/services/campaign-loader.ts';
import { runSimulation } from '../../src/sim/run.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dacu-simulate-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('driving a running server by --url', () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.close();
  });

  it('checks the invariants from the API alone (catalogue stock, orders read back)', async () => {
    server = await startServer({
      campaign: join(root, 'test/fixtures/small-sale.yaml'),
      db: ':memory:',
      port: 0,
      logLevel: 'silent',
    });
    const run = await runSimulation({
      baseUrl: server.url,
      speed: 864_000,
      orders: 150,
      seed: 3,
      concurrency: 16,
      maxSeconds: 60,
    });
    expect(run.result.run.mode).toBe('url');
    expect(run.evidence.readBack.viaHttp).toBe(run.result.counts.ordersAcknowledged);
    expect(run.evidence.readBack.viaDatabase).toBe(0);
    const failed = run.result.invariants.filter((i) => i.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(run.result.counts.paid).toBeGreaterThan(0);
  });

  it("checks the coupon caps from GET /api/coupons and the buyers' wallets (budgets are not visible there)", async () => {
    const campaign = await loadCampaignFile(join(root, 'examples/demo/campaign.yaml'));
    const speed = 43_200;
    let demo: SimServer | null = null;
    try {
      // A server of the demo whose clock runs through 11.11 on its own: the shoppers see it by --url.
      demo = await startSimServer({ campaign, db: ':memory:', speed, deadlineSimMs: 60_000 * speed });
      demo.clock.start();
      demo.clock.release();
      const run = await runSimulation({
        baseUrl: demo.server.url,
        speed,
        orders: 150,
        seed: 4,
        concurrency: 16,
        maxSeconds: 60,
      });
      const failed = run.result.invariants.filter((i) => i.status === 'fail');
      expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
      expect(run.result.errors).toEqual({});
      expect(run.result.counts.couponsClaimed).toBeGreaterThan(0);
      const coupons = run.evidence.coupons!;
      expect(coupons.source).toBe('http');
      expect(coupons.budgets).toBeNull();
      expect(coupons.claimsOnServer).toBe(run.result.counts.couponsClaimed);
      const verdict = run.result.invariants.find((i) => i.id === 'coupon-caps')!;
      expect(verdict.status).toBe('pass');
      expect(verdict.detail).toMatch(/budgets not checked with --url/);
    } finally {
      await demo?.server.close();
    }
  });
});

describe('dacu simulate (the command)', () => {
  it('refuses a --url that is not this machine, and --url with --campaign', async () => {
    await expect(simulateCommand({ url: 'http://203.0.113.5:3000' })).rejects.toThrow(CliError);
    await expect(simulateCommand({ url: 'http://example.com' })).rejects.toThrow(
      /only drives a server on this machine/,
    );
    await expect(simulateCommand({ url: 'http://127.0.0.1:3000', campaign: 'x.yaml' })).rejects.toThrow(
      /not both/,
    );
    await expect(simulateCommand({ orders: '0' })).rejects.toThrow(/--orders must be a whole number/);
  });

  it('starts its own server, rehearses, writes --json and returns exit code 0', async () => {
    const json = join(dir, 'result.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await simulateCommand({
        campaign: join(root, 'test/fixtures/small-sale.yaml'),
        orders: '120',
        speed: '86400',
        seed: '5',
        deadlineSeconds: '1',
        json,
      });
      expect(code).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(/不变量 Invariants/);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.ok).toBe(true);
    expect(result.run.ordersTarget).toBe(120);
    expect(result.invariants.map((i: { id: string }) => i.id)).toEqual([
      'oversold',
      'lost',
      'stock-identity',
      'idempotency',
      'payments',
      'flash-sessions',
      'coupon-caps',
      'errors',
    ]);
  });

  it('refuses a --json it could not write before it rehearses', async () => {
    const started = Date.now();
    await expect(
      simulateCommand({ orders: '50', json: join(dir, 'no-such-dir', 'out.json') }),
    ).rejects.toThrow(/--json .*out\.json: cannot write there \(ENOENT\)/);
    await expect(simulateCommand({ orders: '50', json: dir })).rejects.toThrow(/it is a directory/);
    expect(Date.now() - started).toBeLessThan(5_000); // no server was started, no day played
  });

  it('a day cut short by --max-seconds is not a pass: exit 3, NOT COMPLETED, and --json says so', async () => {
    const json = join(dir, 'capped.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      // A day of 100,000 order attempts takes far longer than the four seconds the cap gives it.
      code = await simulateCommand({
        orders: '100000',
        speed: '8640',
        maxSeconds: '4',
        deadlineSeconds: '1',
        seed: '6',
        json,
      });
      expect(log.mock.calls.flat().join('\n')).toMatch(
        /△ 演练未完成：到达时间上限.*NOT COMPLETED: stopped at the time cap/,
      );
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(3);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect([result.ok, result.exitCode, result.run.stoppedBy]).toEqual([true, 3, 'time-cap']);
    // Every deposit paid is accounted for, the balances due this evening as cut short by the cap.
    const c = result.counts;
    expect(c.balancesCutShort).toBeGreaterThan(0);
    expect(c.depositsPaid).toBe(c.balancesPaid + c.balancesSkipped + c.balancesCutShort);
  }, 60_000);
});
