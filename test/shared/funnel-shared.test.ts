// The live board's funnel on two `dacu serve` processes sharing PostgreSQL + Redis (issue: beyond
// one machine): behind a load balancer each server serves only some shoppers, yet both boards show
// every shopper of the sale in every step, and a server started later shows them too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOSS_ENV, post, type Server, sharedSale, signInBoss } from './shared-servers.ts';

const sale = sharedSale();
const env = BOSS_ENV;
const servers: Server[] = [];
beforeAll(async () => {
  servers.push(await sale.start(env), await sale.start(env));
});
afterAll(() => sale.cleanUp());

/** The board's funnel once it shows `want` (each server sends and reads every second). */
async function funnelOf(server: Server, want: object): Promise<unknown> {
  const cookie = await signInBoss(server);
  let funnel: unknown;
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${server.url}/api/live/snapshot`, { headers: { cookie } });
    funnel = ((await res.json()) as { funnel: unknown }).funnel;
    if (JSON.stringify(funnel) === JSON.stringify(want)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return funnel;
}

describe('the funnel over two servers', () => {
  it('counts every shopper of the sale on both boards, and on a server started later', async () => {
    const [one, two] = servers as [Server, Server];
    const browse = (server: Server, buyer: string) =>
      fetch(`${server.url}/api/catalog`, { headers: { 'x-buyer-id': buyer } }).then((r) => r.status);
    expect(await Promise.all([browse(one, 'v1'), browse(two, 'v2'), browse(two, 'v1')])).toEqual([
      200, 200, 200,
    ]);
    expect((await post(`${two.url}/api/quote`, 'p1', { lines: [{ sku: 's1-tv', qty: 1 }] })).status).toBe(
      200,
    );
    // A checkout prices its cart too: a shopper who orders at once is in the first two steps.
    expect((await post(`${one.url}/api/orders`, 'o1', { lines: [{ sku: 's2-lip', qty: 1 }] })).status).toBe(
      201,
    );
    // A guest's catalogue is nobody's visit.
    expect((await fetch(`${one.url}/api/catalog`)).status).toBe(200);

    const want = { visited: 4, priced: 2, ordered: 1, paid: 0 };
    expect(await funnelOf(one, want)).toEqual(want);
    expect(await funnelOf(two, want)).toEqual(want);
    const later = await sale.start(env);
    expect(await funnelOf(later, want)).toEqual(want);
  });
});
