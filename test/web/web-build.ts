// The browser tests run against the built cockpit (web/dist, what `dacu serve` hands out). `npm ci`
// builds it (the prepare script); this rebuilds it when web/ changed since, so a test never runs
// against stale pages.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'web', 'dist');

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** Builds web/dist with Vite when it is missing or older than its sources. */
export function ensureWebBuilt(): void {
  const builtIndex = join(WEB_DIST, 'index.html');
  const sources = [
    join(REPO_ROOT, 'web', 'src'),
    join(REPO_ROOT, 'web', 'index.html'),
    join(REPO_ROOT, 'vite.config.ts'),
  ];
  const sourcesMs = Math.max(...sources.map(newestMtimeMs));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sourcesMs) return;
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
