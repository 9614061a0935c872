// GET /health: the process is alive. GET /health/ready: the stores this server needs answer, so a
// load balancer can take a server whose database or Redis is away out of rotation.
import type { FastifyInstance } from 'fastify';
import { campaignDigest } from '../../services/campaign-digest.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { sendProblem } from '../problem.ts';
import { problemResponses } from '../schemas.ts';

export function healthRoutes(app: FastifyInstance, engine: TradeEngine): void {
  const campaign = campaignDigest(engine.ctx.index.campaign);
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: '健康检查 — Health check',
        response: {
          200: {
            type: 'object',
            description: 'alive',
            required: ['ok'],
            properties: { ok: { type: 'boolean' } },
            additionalProperties: false,
          },
        },
      },
    },
    async () => ({ ok: true }),
  );
  readinessRoute(app, engine, campaign);
}

/** 200 when every store answers within a second; else 503 naming which does not. */
function readinessRoute(app: FastifyInstance, engine: TradeEngine, campaign: string): void {
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['system'],
        summary: '就绪检查：数据库与 Redis 是否可用 — Readiness: the database (and Redis) answer',
        description:
          '200 when every store the server needs answers within a second; else 503 SERVICE_UNAVAILABLE with `checks` saying which does not. `campaign` is a digest of the campaign file this server runs: the servers of one sale must all show the same (a rolling deploy shows two). /health only says the process is alive.',
        response: {
          200: {
            type: 'object',
            required: ['ready', 'checks', 'campaign'],
            properties: {
              ready: { type: 'boolean' },
              checks: { type: 'object', additionalProperties: { type: 'boolean' } },
              campaign: { type: 'string', description: 'digest of the campaign file this server runs' },
            },
            additionalProperties: false,
          },
          ...problemResponses,
        },
      },
    },
    async (_request, reply) => {
      const checks = await engine.readiness();
      const down = Object.keys(checks).filter((name) => !checks[name]);
      if (down.length === 0) return { ready: true, checks, campaign };
      reply.header('retry-after', '1');
      return sendProblem(reply, {
        code: 'SERVICE_UNAVAILABLE',
        detail: `not answering: ${down.join(', ')}`,
        extra: { checks, campaign },
      });
    },
  );
}
