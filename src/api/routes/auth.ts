// Operators' sign-in: POST /api/auth/login sets the session cookie, POST /api/auth/logout drops it,
// GET /api/auth/me says who is signed in. Shopper routes never look at this cookie.
import type { FastifyInstance } from 'fastify';
import { type OperatorAuth, readCookie, SESSION_COOKIE, sessionCookie } from '../auth.ts';
import { ProblemError } from '../problem.ts';
import { emptyBody, problemResponses } from '../schemas.ts';

const operatorResponse = {
  type: 'object',
  description: '当前运营账号 the signed-in operator',
  required: ['username', 'role'],
  properties: {
    username: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'operator', 'viewer'] },
  },
  additionalProperties: false,
} as const;

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
  additionalProperties: false,
} as const;

export function authRoutes(app: FastifyInstance, auth: OperatorAuth): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '运营登录 — Operator sign-in',
        description:
          'Sets an HttpOnly, SameSite=Lax session cookie. A wrong username or password answers 401 INVALID_CREDENTIALS; more than 10 attempts a minute for one username from one address (100 from all addresses together) 429 RATE_LIMITED, so an address guessing the password of an operator never locks that operator out elsewhere. Behind a load balancer start the server with --trust-proxy, so the address counted is the client address.',
        body: loginBody,
        response: { 200: operatorResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const outcome = await auth.login(request.body.username, request.body.password, request.ip);
      if (!outcome.ok) {
        const retryAfterS = outcome.problem.extra?.retryAfterSeconds;
        if (typeof retryAfterS === 'number') reply.header('retry-after', String(retryAfterS));
        throw new ProblemError(outcome.problem);
      }
      const signedIn = outcome.value;
      const maxAgeS = Math.floor(auth.sessionTtlMs / 1000);
      reply.header('set-cookie', sessionCookie(signedIn.sessionId, maxAgeS, request.protocol === 'https'));
      return signedIn.operator;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: '退出登录 — Sign out',
        body: emptyBody,
        response: {
          200: {
            type: 'object',
            description: 'signed out',
            required: ['ok'],
            properties: { ok: { type: 'boolean' } },
            additionalProperties: false,
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      await auth.logout(readCookie(request.headers.cookie, SESSION_COOKIE));
      reply.header('set-cookie', sessionCookie('', 0, request.protocol === 'https'));
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: '当前登录的运营账号 — Who is signed in',
        description: '401 UNAUTHENTICATED without a valid session.',
        response: { 200: operatorResponse, ...problemResponses },
      },
    },
    async (request) => {
      await auth.requireOperator()(request);
      return auth.operatorOfRequest(request);
    },
  );
}
