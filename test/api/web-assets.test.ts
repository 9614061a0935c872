// registerWebAssets on its own: a built cockpit is served at / and /assets/, a missing build
// answers a page that says how to make one, and the API's paths are left alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registerWebAssets } from '../../src/api/web-assets.ts';

const dir = mkdtempSync(join(tmpdir(), 'dacu-web-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function serve(distDir: string): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  app.get('/api/ping', async () => ({ ok: true }));
  app.register(async (web) => registerWebAssets(web, distDir));
  await app.ready();
  return app;
}

describe('registerWebAssets', () => {
  it('serves index.html at / uncached and hashed assets cached for good', async () => {
    const dist = join(dir, 'built');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    const server = await serve(dist);

    const index = await server.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<div id="root">');

    const asset = await server.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);

    expect((await server.inject({ method: 'GET', url: '/assets/nope.js' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: '/assets/../index.html' })).statusCode).not.toBe(200);
    expect((await server.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ ok: true });
  });

  it('says how to build the cockpit when web/dist is missing', async () => {
    const server = await serve(join(dir, 'never-built'));
    const res = await server.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
    expect((await server.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
  });
});
