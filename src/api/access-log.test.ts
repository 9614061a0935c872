import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { accessLog } from './access-log.ts';

function serverWithLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text) lines.push(JSON.parse(text));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream }, logController: accessLog() });
  app.get('/hello', async () => ({ hello: 'world' }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  return { app, lines };
}

describe('access log', () => {
  it('writes one line per request, when it is answered, with method, URL, status and time', async () => {
    const { app, lines } = serverWithLog();
    await app.inject({ method: 'GET', url: '/hello?x=1' });
    await app.inject({ method: 'GET', url: '/hello' });
    const requests = lines.filter((l) => l.reqId !== undefined);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      msg: 'request completed',
      reqId: 'req-1',
      req: { method: 'GET', url: '/hello?x=1' },
      res: { statusCode: 200 },
    });
    expect(requests[0]!.responseTime).toBeTypeOf('number');
    await app.close();
  });

  it('keeps the error of a failed request on its line', async () => {
    const { app, lines } = serverWithLog();
    await app.inject({ method: 'GET', url: '/boom' });
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ req: { url: '/boom' }, res: { statusCode: 500 } });
    await app.close();
  });
});
