// A server started on a sale whose campaign file changed says so: the file's stock counts once,
// when a sale opens (services/restock.ts), so it names the SKUs whose stock differs and the restock
// to use instead; and it says the file is not the one the sale's servers last ran (a rolling deploy,
// a server given the wrong file), which /health/ready tells apart by each server's digest.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, spawnServe } from '../support/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'dacu-stock-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serveUntilListening(campaign: string, db: string): Promise<string> {
  const server = await spawnServe(['--campaign', campaign, '--db', db]);
  // The warning follows the "dacu serving" line (on stderr, which may arrive apart from stdout).
  for (let i = 0; i < 50 && !server.output().includes('dacu serving'); i++)
    await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  server.child.kill('SIGTERM');
  await server.exited;
  return server.output();
}

describe('a campaign file edited after the sale opened', () => {
  it('is said at start, and each server names its file in /health/ready', async () => {
    const db = join(dir, 'digest.db');
    const original = readFileSync(join(root, 'test', 'fixtures', 'small-sale.yaml'), 'utf8');
    const file = join(dir, 'digest.yaml');
    writeFileSync(file, original);
    const readyDigest = async () => {
      const server = await spawnServe(['--campaign', file, '--db', db]);
      const body = (await (await fetch(`${server.url}/health/ready`)).json()) as { campaign: string };
      server.child.kill('SIGTERM');
      await server.exited;
      return { digest: body.campaign, said: server.output() };
    };
    const first = await readyDigest();
    // The same campaign laid out otherwise is the same file.
    writeFileSync(file, `# reformatted\n${original.replace(/\n\n/g, '\n')}`);
    const same = await readyDigest();
    expect(same.digest).toBe(first.digest);
    expect(same.said).not.toContain('warning');
    writeFileSync(file, original.replace('percentOff: 20', 'percentOff: 25'));
    const changed = await serveUntilListening(file, db);
    expect(changed).toContain(`dacu: warning: this campaign file (`);
    expect(changed).toContain(`is not the one this sale's servers last started with (${first.digest})`);
    expect(changed).not.toContain('stock differs');
  });

  it('is named at start, with the restock to use instead', async () => {
    const db = join(dir, 'sale.db');
    const original = readFileSync(join(root, 'test', 'fixtures', 'small-sale.yaml'), 'utf8');
    const file = join(dir, 'campaign.yaml');
    writeFileSync(file, original);
    expect(await serveUntilListening(file, db)).not.toContain('warning');
    writeFileSync(file, original.replace('stock: 400', 'stock: 600'));
    const said = await serveUntilListening(file, db);
    expect(said).toContain(
      "dacu: warning: the campaign file's stock differs from what this sale opened with (s1-tv 600 in the file, opened with 400)",
    );
    expect(said).toContain('POST /api/admin/skus/<sku>/restock');
  });
});
