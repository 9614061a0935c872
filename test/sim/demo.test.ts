// `dacu demo --exit-after-sim` as CI runs it: a child process on a fresh clone's layout (the demo
// database under .dacu/ of the working directory), serving, rehearsing, exiting with the verdict.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/dacu.js', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'dacu-demo-test-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dacu demo --exit-after-sim', () => {
  it('serves the demo, rehearses 200 orders, prints the URLs and the verdict, and exits 0', async () => {
    const { code, stdout, stderr } = await run(['demo', '--exit-after-sim', '--orders', '200']);
    expect(code, stderr).toBe(0);
    const url = /实时看板 Live board +(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
    expect(url, stdout).toBeDefined();
    expect(stdout).toContain(`${url}/docs`);
    expect(stdout).toContain('admin / dacu-demo');
    expect(stdout).toMatch(/✓ 超卖件数 Oversold units: 0/);
    expect(stdout).toMatch(/✓ 漏单（已确认订单丢失） Lost acknowledged orders: 0/);
    expect(stdout).toMatch(/✓ 演练通过/);
    expect(existsSync(join(cwd, '.dacu', 'demo.db'))).toBe(true);
  });
});
