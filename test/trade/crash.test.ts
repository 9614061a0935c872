// Crash test (issue: trade core): load the real server with concurrent orders and payments,
// kill -9 it mid-flight, restart it on the same database, and show that every order acknowledged
// to a client exists and the stock identity holds (ARCHITECTURE.md, Invariants).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { root, type ServeProcess, spawnServe } from '../support/serve-process.ts';

const campaign = join(root, 'test', 'fixtures', 'small-sale.yaml');
const dir = mkdtempSync(join(tmpdir(), 'dacu-crash-'));
const db = join(dir, 'crash.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startServe(): Promise<ServeProcess> {
  const server = await spawnServe(['--campaign', campaign, '--db', db]);
  children.push(server.child);
  return server;
}

interface Acknowledged {
  orderId: string;
  buyer: string;
  paid: boolean;
}

/** Shoppers placing and paying orders until the server dies under them. */
async function loadUntilDead(
  base: string,
  acknowledged: Acknowledged[],
  stop: { dead: boolean },
): Promise<void> {
  const skus = ['s1-tv', 's1-hot', 's2-lip', 's2-mask'];
  let n = 0;
  const shopper = async (w: number) => {
    while (!stop.dead) {
      const buyer = `u${w}-${n++}`;
      const lines = [
        { sku: skus[n % 4]!, qty: 1 + (n % 2) },
        { sku: skus[(n + 1) % 4]!, qty: 1 },
      ];
      try {
        const placed = await fetch(`${base}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-buyer-id': buyer },
          body: JSON.stringify({ lines }),
        });
        if (placed.status !== 201) continue;
        const body = (await placed.json()) as { orders: { id: string }[] };
        const ids = body.orders.map((o) => o.id);
        for (const orderId of ids) acknowledged.push({ orderId, buyer, paid: false });
        if (n % 2 === 0) {
          const paid = await fetch(`${base}/api/orders/${ids[0]}/pay`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-buyer-id': buyer },
            body: '{}',
          });
          if (paid.status === 200) acknowledged.find((a) => a.orderId === ids[0])!.paid = true;
        }
      } catch {
        return; // the server is gone: what was not acknowledged does not count
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, w) => shopper(w)));
}

describe('kill -9 in the middle of the sale', () => {
  it('keeps every acknowledged order and the stock identity', async () => {
    const first = await startServe();
    const base = first.url;
    const acknowledged: Acknowledged[] = [];
    const stop = { dead: false };
    const load = loadUntilDead(base, acknowledged, stop);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    stop.dead = true;
    await load;
    expect(acknowledged.length).toBeGreaterThan(20);

    const base2 = (await startServe()).url;
    for (const a of acknowledged) {
      const res = await fetch(`${base2}/api/orders/${a.orderId}`, { headers: { 'x-buyer-id': a.buyer } });
      expect(res.status, `acknowledged order ${a.orderId} is lost`).toBe(200);
      const order = (await res.json()) as { status: string };
      if (a.paid) expect(order.status).toBe('paid');
    }

    const sqlite = new Database(db, { readonly: true });
    try {
      const stock = sqlite.prepare('SELECT * FROM stock').all() as {
        sku: string;
        initial: number;
        restocked: number;
        available: number;
        reserved: number;
        sold: number;
      }[];
      const held = sqlite
        .prepare(`SELECT status, detail FROM orders WHERE status IN ('pending_payment', 'paid')`)
        .all() as { status: string; detail: string }[];
      const reserved = new Map<string, number>();
      const sold = new Map<string, number>();
      for (const o of held) {
        const target = o.status === 'paid' ? sold : reserved;
        for (const line of (JSON.parse(o.detail) as { stock: { sku: string; qty: number }[] }).stock)
          target.set(line.sku, (target.get(line.sku) ?? 0) + line.qty);
      }
      for (const s of stock) {
        expect(s.available).toBeGreaterThanOrEqual(0);
        expect(s.initial + s.restocked, `identity for ${s.sku}`).toBe(s.available + s.reserved + s.sold);
        expect(s.reserved, `reserved ${s.sku} = units of pending orders`).toBe(reserved.get(s.sku) ?? 0);
        expect(s.sold, `sold ${s.sku} = units of paid orders`).toBe(sold.get(s.sku) ?? 0);
      }
    } finally {
      sqlite.close();
    }
  }, 60_000);
});
