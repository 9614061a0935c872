// Requests Node's HTTP parser refuses before Fastify routes them answer problem+json like every
// other error, over raw sockets (an HTTP client would refuse to send most of them).
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codeTitle } from '../../src/api/problem.ts';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

interface RawAnswer {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
  raw: Buffer;
}

function portOf(api: TestApi): number {
  return Number(new URL(api.url).port);
}

/** Sends bytes as they are and reads until the server closes the connection. */
function exchange(port: number, request: string | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      if (request !== undefined) socket.write(request);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A reset after the answer (the server drops a connection it did not read to the end) is fine.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function parse(raw: Buffer): RawAnswer {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete answer: ${JSON.stringify(text)}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine: statusLine!, headers, body: text.slice(end + 4), raw };
}

/** The answer is a whole problem+json, its length counted in bytes (the Chinese title is UTF-8). */
function expectProblem(answer: RawAnswer, status: number, statusText: string) {
  expect(answer.statusLine).toBe(`HTTP/1.1 ${status} ${statusText}`);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  return JSON.parse(answer.body);
}

const badRequest = {
  type: 'urn:dacu:problem:bad-request',
  title: codeTitle('BAD_REQUEST').en,
  titleZh: codeTitle('BAD_REQUEST').zh,
  status: 400,
  code: 'BAD_REQUEST',
};

describe('requests the HTTP parser refuses', () => {
  it.each([
    [
      'a control character in a header',
      'GET /health HTTP/1.1\r\nHost: x\r\nx-buyer-id: a\x01b\r\n\r\n',
      'Invalid header value char',
    ],
    [
      'Transfer-Encoding together with Content-Length',
      'POST /api/quote HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
      "Transfer-Encoding can't be present with Content-Length",
    ],
  ])('answers %s with 400 BAD_REQUEST as problem+json and closes', async (_name, request, reason) => {
    api = await startApi();
    const answer = parse(await exchange(portOf(api), request));
    expect(expectProblem(answer, 400, 'Bad Request')).toEqual({
      ...badRequest,
      detail: `the request is not valid HTTP: ${reason}`,
    });
    // The server still serves the next connection.
    expect((await api.call('GET', '/health')).status).toBe(200);
  });

  it('answers headers over the size limit with 431 HEADERS_TOO_LARGE as problem+json', async () => {
    api = await startApi();
    const request = `GET /health HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`;
    const answer = parse(await exchange(portOf(api), request));
    expect(expectProblem(answer, 431, 'Request Header Fields Too Large')).toEqual({
      type: 'urn:dacu:problem:headers-too-large',
      title: 'Request headers too large',
      titleZh: '请求头过大',
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      detail: 'the request headers are larger than this server accepts',
    });
  });

  it('answers a request that timed out with 408 REQUEST_TIMEOUT as problem+json', async () => {
    api = await startApi();
    const accepted = new Promise<net.Socket>((resolve) => api.app.server.once('connection', resolve));
    const answered = exchange(portOf(api), undefined);
    const socket = await accepted;
    const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    api.app.server.emit('clientError', timeout, socket);
    const answer = parse(await answered);
    expect(expectProblem(answer, 408, 'Request Timeout')).toMatchObject({
      type: 'urn:dacu:problem:request-timeout',
      status: 408,
      code: 'REQUEST_TIMEOUT',
    });
  });

  it('writes nothing and does not throw when the socket can no longer be written', async () => {
    api = await startApi();
    const parseError = Object.assign(new Error('Parse Error: Invalid header value char'), {
      code: 'HPE_INVALID_HEADER_TOKEN',
      reason: 'Invalid header value char',
    });

    const destroyed = new net.Socket();
    destroyed.destroy();
    expect(() => api.app.server.emit('clientError', parseError, destroyed)).not.toThrow();

    // Our side already ended (half-closed): not writable, not yet destroyed.
    const accepted = new Promise<net.Socket>((resolve) => api.app.server.once('connection', resolve));
    const received = exchange(portOf(api), undefined);
    const socket = await accepted;
    socket.end();
    expect(socket.writable).toBe(false);
    const write = vi.spyOn(socket, 'write');
    expect(() => api.app.server.emit('clientError', parseError, socket)).not.toThrow();
    expect(write).not.toHaveBeenCalled();
    expect(socket.destroyed).toBe(true);
    expect((await received).length).toBe(0);

    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(() => api.app.server.emit('clientError', reset, new net.Socket())).not.toThrow();
  });
});
