// Operators on two `dacu serve` processes sharing PostgreSQL + Redis (issue: beyond one machine):
// a session opened on one server is known to the other, signing out on either ends it on both, and
// the sign-in limit (10 attempts a minute per username) counts attempts over both servers once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, sharedSale } from './shared-servers.ts';

const sale = sharedSale();
const servers: Server[] = [];
beforeAll(async () => {
  const env = { DACU_OPERATORS: 'boss:right-horse:admin,screen:just-looking:viewer,ops:ops-pass:operator' };
  servers.push(await sale.start(env), await sale.start(env));
});
afterAll(() => sale.cleanUp());

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  body: any;
  headers: Headers;
}

async function call(server: Server, method: string, path: string, cookie?: string, json?: unknown) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers } as Reply;
}

const login = (server: Server, username: string, password: string) =>
  call(server, 'POST', '/api/auth/login', undefined, { username, password });

async function signIn(server: Server, username: string, password: string): Promise<string> {
  const res = await login(server, username, password);
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('operators over two servers', () => {
  it('sign in on one server, work on the other, and sign out on either for both', async () => {
    const [one, two] = servers as [Server, Server];
    const cookie = await signIn(one, 'boss', 'right-horse');

    expect((await call(two, 'GET', '/api/auth/me', cookie)).body).toEqual({
      username: 'boss',
      role: 'admin',
    });
    expect((await call(two, 'GET', '/api/live/snapshot', cookie)).status).toBe(200);
    // The hot SKU sells out (an action is for a SKU that runs low or has sold out).
    const soldOut = await fetch(`${one.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-buyer-id': 'b-all' },
      body: JSON.stringify({ lines: [{ sku: 's1-hot', qty: 150 }] }),
    });
    expect(soldOut.status).toBe(201);
    const action = { kind: 'substitute', substituteSku: 's1-tv' };
    const set = await call(two, 'POST', '/api/admin/skus/s1-hot/sold-out-action', cookie, action);
    expect([set.status, set.body]).toEqual([200, { sku: 's1-hot', action }]);

    // Roles hold on the other server too.
    const viewer = await signIn(two, 'screen', 'just-looking');
    expect((await call(one, 'GET', '/api/live/snapshot', viewer)).status).toBe(200);
    const refused = await call(one, 'POST', '/api/admin/skus/s1-hot/sold-out-action', viewer, action);
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);

    const out = await call(two, 'POST', '/api/auth/logout', cookie, {});
    expect(out.status).toBe(200);
    for (const server of [one, two]) {
      for (const path of ['/api/auth/me', '/api/live/snapshot']) {
        const gone = await call(server, 'GET', path, cookie);
        expect([gone.status, gone.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      }
    }
    const after = await call(one, 'POST', '/api/admin/skus/s1-hot/sold-out-action', cookie, action);
    expect([after.status, after.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    // The viewer signed in on server 2 was not signed out with the boss.
    expect((await call(one, 'GET', '/api/auth/me', viewer)).status).toBe(200);
  });

  it('count sign-in attempts for one username once over both servers: the eleventh answers 429', async () => {
    const [one, two] = servers as [Server, Server];
    // Five wrong passwords on each server: ten in the minute, each still a plain 401.
    const wrong = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(i % 2 ? two : one, 'ops', `wrong-${i}`)),
    );
    expect(wrong.map((r) => `${r.status} ${r.body.code}`)).toEqual(
      Array.from({ length: 10 }, () => '401 INVALID_CREDENTIALS'),
    );
    for (const server of [one, two]) {
      const limited = await login(server, 'OPS', 'ops-pass'); // any case, even the right password
      expect([limited.status, limited.body.code]).toEqual([429, 'RATE_LIMITED']);
      const retryAfterS = Number(limited.headers.get('retry-after'));
      expect(retryAfterS).toBeGreaterThan(0);
      expect(retryAfterS).toBeLessThanOrEqual(60);
    }
    // Another username is not held up, on either server.
    await signIn(two, 'screen', 'just-looking');
    await signIn(one, 'boss', 'right-horse');
  });
});
