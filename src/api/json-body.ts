// Request bodies: JSON only (anything else is 415), at most bodyLimitBytes (else 413). An empty
// body is no body, so `POST /api/orders/:id/cancel` needs none; a route with a body schema then
// sees `{}` and its schema says what is missing. Prototype poisoning (`__proto__`,
// `constructor.prototype`) is refused as malformed JSON.
import type { FastifyInstance } from 'fastify';

export const BODY_LIMIT_BYTES = 256 * 1024;

export function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const textBody = typeof body === 'string' ? body : body.toString('utf8');
    if (textBody.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, textBody, done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
}
