// Errors Node's HTTP parser meets before Fastify sees a request (a control character in a header,
// Transfer-Encoding together with Content-Length, headers over the size limit, a request that took
// too long) answer as problem+json like every other error of the API; Fastify's default handler
// answers them as plain application/json. There is no request or reply yet, only the socket: the
// answer is written on it by hand, and the socket is closed, since its stream can no longer be
// parsed.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemBody, problemBody } from './problem.ts';

/** The parser's reason ("Invalid header value char") is said to the client, up to this length. */
const REASON_CHARS_MAX = 200;

/** The problem for what the parser met: 431 and 408 for their own cases, else 400. */
export function clientErrorProblem(error: Pick<ConnectionError, 'code'> & { reason?: unknown }): ProblemBody {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return problemBody({
      code: 'HEADERS_TOO_LARGE',
      detail: 'the request headers are larger than this server accepts',
    });
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return problemBody({ code: 'REQUEST_TIMEOUT', detail: 'the request did not arrive in time' });
  const reason = typeof error.reason === 'string' ? error.reason.slice(0, REASON_CHARS_MAX) : '';
  const detail = reason ? `the request is not valid HTTP: ${reason}` : 'the request is not valid HTTP';
  return problemBody({ code: 'BAD_REQUEST', detail });
}

/** Fastify's clientErrorHandler (`this` is the Fastify instance). */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer (Node's and Fastify's handlers skip it too).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.trace({ err: error }, 'client error');
  if (socket.writable) {
    const body = clientErrorProblem(error);
    const { status } = body;
    const payload = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
        `Connection: close\r\n\r\n${payload}`,
    );
  }
  // Without the error (Fastify's default passes it): destroy(error) would emit 'error' on a socket
  // that may have no listener left for it, and the answer above already said what went wrong.
  socket.destroy();
}
