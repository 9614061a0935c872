// The live cockpit's web front end (web/, built by `npm run build:web` into web/dist): index.html at
// `/` and the hashed bundles under /assets/. The API keeps every other path; the pages route by
// hash (#/board, #/campaign, #/preview), so no other page is ever requested.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>dacu</title></head>
<body style="font-family: system-ui, sans-serif; background: #0b1428; color: #e6edf7; padding: 48px">
<h1>大促驾驶舱尚未构建 — the cockpit is not built yet</h1>
<p>在项目目录运行 <code>npm run build</code>（或 <code>npm run build:web</code>），然后刷新本页。</p>
<p>Run <code>npm run build</code> (or <code>npm run build:web</code>) in the project folder, then reload this page.</p>
<p>API: <a href="/docs" style="color: #4096ff">/docs</a></p>
</body></html>
`;

/**
 * Serves web/dist (or `distDir`) at `/`. Without a build, `/` answers a short page saying how to
 * make one, so `dacu serve` on a fresh checkout still explains itself.
 */
export async function registerWebAssets(
  app: FastifyInstance,
  distDir: string = DEFAULT_WEB_DIST,
): Promise<void> {
  const indexFile = join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT_PAGE),
    );
    return;
  }
  // File names under /assets carry a content hash, so they can be cached for good.
  await app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: '365d',
    immutable: true,
  });
  // index.html names the current hashes: read at each request (it is tiny), never cached, so a
  // rebuild shows without a restart.
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(indexFile)),
  );
}
