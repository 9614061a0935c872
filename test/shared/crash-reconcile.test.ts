// Crash consistency between Redis and PostgreSQL (issue: beyond one machine). A server is killed
// (SIGKILL, like kill -9) between the two steps of a change: after the reservation in Redis but
// before the order reached PostgreSQL, and after the payment reached PostgreSQL but before Redis
// turned the reservation into a sale. The reconciler of a surviving server makes Redis agree.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { post, sharedSale } from './shared-servers.ts';

const sale = sharedSale();
afterAll(() => sale.cleanUp());

describe('a server killed between Redis and PostgreSQL', () => {
  it('leaves nothing the reconciler does not put right', async () => {
    const hot = new RedisHotLedger(sale.redis, sale.prefix);
    // Grace periods of 10 minutes while the servers die, so no reconciler acts before the checks of
    // what the crashes left; then a server with a 1 s grace puts it right.
    const healthy = await sale.start({}, ['--reconcile-grace-seconds', '600']);
    const tv = async () => (await hot.stockOf(['s1-tv'])).get('s1-tv');

    // 1. Killed after reserving, before writing the order: the shopper gets no answer.
    const dying = await sale.start({ DACU_FAULT: 'after-reserve' }, ['--reconcile-grace-seconds', '600']);
    await expect(
      post(`${dying.url}/api/orders`, 'u1', { lines: [{ sku: 's1-tv', qty: 3 }] }),
    ).rejects.toThrow();
    expect(await dying.exited).toBe('SIGKILL');
    expect(await tv()).toMatchObject({ available: 397, reserved: 3 });
    const orphans = await hot.openReservations(Date.now() + 1, 100);
    expect(orphans).toHaveLength(1);

    // 2. Killed after the payment reached PostgreSQL, before Redis sold the units.
    const placed = await post(`${healthy.url}/api/orders`, 'u2', { lines: [{ sku: 's1-tv', qty: 2 }] });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orders[0].id as string;
    const payer = await sale.start({ DACU_FAULT: 'after-paid' }, ['--reconcile-grace-seconds', '600']);
    await expect(post(`${payer.url}/api/orders/${orderId}/pay`, 'u2', {})).rejects.toThrow();
    expect(await payer.exited).toBe('SIGKILL');
    const order = await fetch(`${healthy.url}/api/orders/${orderId}`, { headers: { 'x-buyer-id': 'u2' } });
    expect((await order.json()).status).toBe('paid');
    expect(await tv()).toMatchObject({ available: 395, reserved: 5, sold: 0 });

    // A server's reconciler (every 5 s, the first pass at start; the grace here is the test's 1 s).
    await new Promise((r) => setTimeout(r, 1_100));
    await sale.start({}, ['--reconcile-grace-seconds', '1']);
    let now = await tv();
    for (let i = 0; i < 150 && now?.reserved !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await tv();
    }
    expect(now).toEqual({ initial: 400, restocked: 0, available: 398, reserved: 0, sold: 2 });
    expect(await hot.openReservations(Date.now() + 1, 100)).toEqual([]);
    expect(await hot.checkIdentity()).toEqual([]);
  });
});
