// Operator accounts and sessions without a trade engine: account lists, password hashes, roles,
// session expiry and the sign-in limit.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  authLimits,
  demoOperators,
  hashPassword,
  OperatorAuth,
  OperatorsInvalid,
  parseOperatorsEnv,
  parseOperatorsJson,
  readCookie,
  sessionCookie,
  verifyPassword,
} from '../../src/api/auth.ts';
import { installProblemHandlers } from '../../src/api/problem.ts';
import { MemoryOperatorSessions } from '../../src/support/operator-sessions.ts';
import { MemoryRateWindows, memoryRateLimits } from '../../src/support/rate-windows.ts';

describe('account lists', () => {
  it('reads DACU_OPERATORS: name:password:role, a password may hold colons', () => {
    expect(parseOperatorsEnv(' ana:pw:admin, bo:a:b:c:viewer ,')).toEqual([
      { username: 'ana', password: 'pw', role: 'admin' },
      { username: 'bo', password: 'a:b:c', role: 'viewer' },
    ]);
  });

  it.each([
    ['ana:pw', /expected name:password:role/],
    ['ana:pw:root', /role must be admin, operator or viewer/],
    ['an a:pw:admin', /username must be/],
    ['ana::admin', /either password or passwordHash/],
    ['ana:x:admin,ana:y:viewer', /ana listed twice/],
    ['', /no accounts/],
  ])('refuses DACU_OPERATORS=%j', (text, message) => {
    expect(() => parseOperatorsEnv(text)).toThrow(OperatorsInvalid);
    expect(() => parseOperatorsEnv(text)).toThrow(message);
  });

  it('reads an --operators file and refuses a bad one', async () => {
    const hash = await hashPassword('pw');
    expect(parseOperatorsJson([{ username: 'ana', passwordHash: hash, role: 'operator' }])).toEqual([
      { username: 'ana', passwordHash: hash, role: 'operator' },
    ]);
    expect(() => parseOperatorsJson({})).toThrow(/expected an array/);
    expect(() =>
      parseOperatorsJson([{ username: 'ana', password: 'pw', passwordHash: hash, role: 'admin' }]),
    ).toThrow(/either password or passwordHash/);
    expect(() => parseOperatorsJson([{ username: 'ana', passwordHash: 'md5$abc', role: 'admin' }])).toThrow(
      /passwordHash is not scrypt/,
    );
    expect(() => parseOperatorsJson([null])).toThrow(/operators\[0\]/);
  });

  it('has the demo accounts', () => {
    expect(demoOperators()).toEqual([
      { username: 'admin', password: 'dacu-demo', role: 'admin' },
      { username: 'viewer', password: 'dacu-view', role: 'viewer' },
    ]);
  });
});

describe('passwords', () => {
  it('are salted scrypt hashes that verify only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse!', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
  });
});

describe('sessions and roles', () => {
  async function app(auth: OperatorAuth) {
    const server = Fastify({ logger: false });
    installProblemHandlers(server);
    server.get('/any', { onRequest: auth.requireOperator() }, async () => ({ ok: true }));
    server.get('/admins', { onRequest: auth.requireOperator(['admin']) }, async () => ({ ok: true }));
    await server.ready();
    return server;
  }

  it('answers 401 without a session, 403 for a role not allowed, and expires sessions', async () => {
    let now = 1_000_000;
    const auth = await OperatorAuth.create(demoOperators(), { clock: () => now, sessionTtlMs: 60_000 });
    const server = await app(auth);
    const signedIn = await auth.login('viewer', 'dacu-view');
    if (!signedIn.ok) throw new Error('login failed');
    const cookie = `other=1; dacu_session=${signedIn.value.sessionId}`;

    expect((await server.inject({ url: '/any' })).json()).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect((await server.inject({ url: '/any', headers: { cookie } })).statusCode).toBe(200);
    const forbidden = await server.inject({ url: '/admins', headers: { cookie } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });

    now += 60_000;
    expect((await server.inject({ url: '/any', headers: { cookie } })).statusCode).toBe(401);
    await server.close();
  });

  it('limits sign-in attempts per username per minute, then lets them in again', async () => {
    let now = 0;
    const auth = await OperatorAuth.create(demoOperators(), { clock: () => now });
    for (let i = 0; i < authLimits.loginAttemptsMax; i++) {
      const wrong = await auth.login('Admin', 'nope');
      expect(wrong.ok ? null : wrong.problem.code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await auth.login('admin', 'dacu-demo');
    expect(limited.ok ? null : limited.problem).toMatchObject({
      code: 'RATE_LIMITED',
      extra: { retryAfterSeconds: 60 },
    });
    now += authLimits.loginWindowMs;
    expect((await auth.login('admin', 'dacu-demo')).ok).toBe(true);
  });

  it('locks out the address that guesses, not the operator: others sign in, up to a cap per account', async () => {
    const auth = await OperatorAuth.create(demoOperators(), { clock: () => 0 });
    for (let i = 0; i < authLimits.loginAttemptsMax; i++) await auth.login('admin', 'nope', '10.0.0.66');
    const guesser = await auth.login('admin', 'dacu-demo', '10.0.0.66');
    expect(guesser.ok ? null : guesser.problem.code).toBe('RATE_LIMITED');
    expect((await auth.login('admin', 'dacu-demo', '10.0.0.7')).ok).toBe(true);
    // Guesses spread over many addresses stop at the account's cap, wherever the next comes from.
    const spread = authLimits.loginAttemptsPerAccountMax - authLimits.loginAttemptsMax - 1;
    for (let i = 0; i < spread; i++) await auth.login('admin', 'nope', `10.1.${i >> 8}.${i & 255}`);
    const capped = await auth.login('admin', 'dacu-demo', '10.0.0.8');
    expect(capped.ok ? null : capped.problem.code).toBe('RATE_LIMITED');
  });

  it("lets one address's flood of guesses fill only its own window, not the account's", async () => {
    const auth = await OperatorAuth.create(demoOperators(), { clock: () => 0 });
    for (let i = 0; i < authLimits.loginAttemptsPerAccountMax * 2; i++)
      await auth.login('admin', 'nope', '10.0.0.66');
    expect((await auth.login('admin', 'dacu-demo', '10.0.0.7')).ok).toBe(true);
  });

  it("keeps counting sign-ins while a flood of shoppers' ids fills the buyer-write windows", async () => {
    // The engine's windows as `dacu serve` wires them: buyer writes and sign-ins apart. In one
    // set, 100,001 sprayed x-buyer-id values would push the sign-in count out of the capped map.
    const rates = memoryRateLimits(() => 0);
    const auth = await OperatorAuth.create(demoOperators(), { clock: () => 0, rates: rates.signIns });
    for (let i = 0; i < authLimits.loginAttemptsMax; i++) await auth.login('admin', 'nope');
    for (let i = 0; i <= 100_000; i++) await rates.buyerWrites.hit(`buyer-writes:bot-${i}`, 20, 10_000);
    const limited = await auth.login('admin', 'dacu-demo');
    expect(limited.ok ? null : limited.problem.code).toBe('RATE_LIMITED');
  });

  it('are one session and one sign-in limit for every server given the same stores', async () => {
    const stores = { sessions: new MemoryOperatorSessions(), rates: new MemoryRateWindows(() => 0) };
    const [serverA, serverB] = await Promise.all([
      OperatorAuth.create(demoOperators(), stores),
      OperatorAuth.create(demoOperators(), stores),
    ]);
    const signedIn = await serverA.login('admin', 'dacu-demo');
    if (!signedIn.ok) throw new Error('login failed');
    const { sessionId } = signedIn.value;
    expect(await serverB.operatorOf(sessionId)).toEqual({ username: 'admin', role: 'admin' });
    await serverB.logout(sessionId);
    expect(await serverA.operatorOf(sessionId)).toBeNull();

    // One attempt above was the right one: nine more, on either server, fill the window.
    for (let i = 1; i < authLimits.loginAttemptsMax; i++) {
      const wrong = await (i % 2 ? serverA : serverB).login('admin', 'nope');
      expect(wrong.ok ? null : wrong.problem.code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await serverB.login('ADMIN', 'dacu-demo');
    expect(limited.ok ? null : limited.problem.code).toBe('RATE_LIMITED');
  });

  it('looks up no id that is not one it makes, and no role it does not know', async () => {
    const sessions = new MemoryOperatorSessions();
    const auth = await OperatorAuth.create(demoOperators(), { sessions });
    const signedIn = await auth.login('viewer', 'dacu-view');
    if (!signedIn.ok) throw new Error('login failed');
    const { sessionId, expiresAt } = signedIn.value;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await auth.operatorOf(`${sessionId}x`)).toBeNull();
    expect(await auth.operatorOf('forged')).toBeNull();
    expect(await auth.operatorOf(undefined)).toBeNull();
    await sessions.put(sessionId, { username: 'viewer', role: 'root', expiresAt }, 60_000);
    expect(await auth.operatorOf(sessionId)).toBeNull();
  });

  it('reads and writes the cookie', () => {
    expect(readCookie('a=1; dacu_session=abc; b=2', 'dacu_session')).toBe('abc');
    expect(readCookie('a=1', 'dacu_session')).toBeUndefined();
    expect(readCookie(undefined, 'dacu_session')).toBeUndefined();
    expect(sessionCookie('abc', 60, true)).toBe(
      'dacu_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
    );
  });
});
