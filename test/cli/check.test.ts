// `dacu check` on the demo: the margin report names the one SKU the demo means to sell at a loss,
// and says when that loss happens (the moment the discounts that stack on it are all live).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCommand, MARGIN_ROWS_SHOWN } from '../../src/cli/commands/check.ts';

const campaign = fileURLToPath(new URL('../../examples/demo/campaign.yaml', import.meta.url));

describe('dacu check', () => {
  it('names the ¥1 phone as the only loss, with its unit limit and its session', async () => {
    const lines = (await checkCommand({ campaign })).split('\n');
    expect(lines[1]).toContain('⚠ 1 个 SKU 在最坏叠加下亏损');
    expect(lines[1]).toContain(': s5-phone (-3249.05, 限 11 件 11 units only, 11-11 00:00–00:30)');
    expect(lines.find((l) => l.includes('SKU') && l.includes('最坏时段 Worst when'))).toBeDefined();
    expect(lines.find((l) => l.includes(' s4-crab '))).toContain('11-11 00:00–18:00');
    // A ¥0.95 worst price on a ¥3,250 cost is far below any percentage worth printing.
    expect(lines.find((l) => l.startsWith('│ s5-phone '))).toMatch(/│\s+< -999 │/);
  });

  it('gives the worst moment in the campaign zone in --json', async () => {
    const { margins } = JSON.parse(await checkCommand({ campaign, json: true }));
    const phone = margins.find((r: { sku: string }) => r.sku === 's5-phone');
    expect([phone.worstAt, phone.worstUntil, phone.worstOfferId, phone.worstUnits]).toEqual([
      '2026-11-11T00:00:00+08:00',
      '2026-11-11T00:30:00+08:00',
      'p-flash-0000-phone',
      11,
    ]);
  });

  it('shows the worst margins of a large catalogue and says how many more --json has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dacu-check-'));
    try {
      const skus = MARGIN_ROWS_SHOWN + 5;
      const file = join(dir, 'big.yaml');
      const items = Array.from(
        { length: skus },
        (_, i) =>
          `  - { sku: k${i}, store: s1, title: K${i}, category: c, role: regular, listPrice: 100, cost: ${i % 90}, stock: 10 }`,
      );
      writeFileSync(
        file,
        ['campaign: { id: big, name: Big }', 'stores: [{ id: s1, name: S1 }]', 'catalog:', ...items, ''].join(
          '\n',
        ),
      );
      const text = await checkCommand({ campaign: file });
      const rows = text.split('\n').filter((l) => /^│ k\d+ /.test(l));
      expect(rows).toHaveLength(MARGIN_ROWS_SHOWN);
      // The costliest SKUs (cost 89: the thinnest margin) come first, ties by SKU: k179, then k89.
      expect(rows.slice(0, 2).map((r) => r.split(' ')[1])).toEqual(['k179', 'k89']);
      expect(text).toContain(
        'and 5 more SKUs, none with a lower worst margin % than the last shown (all of them: --json)',
      );
      expect(JSON.parse(await checkCommand({ campaign: file, json: true })).margins).toHaveLength(skus);
      // Cost 0–89 under a list price of 100: nobody loses; below cost, the summary names ten.
      expect(text.split('\n')[1]).toContain('every SKU keeps a margin');
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('listPrice: 100', 'listPrice: 0.5'));
      const losing = (await checkCommand({ campaign: file })).split('\n')[1]!;
      expect(losing).toMatch(/^⚠ 202 个 SKU/); // all but the three that cost nothing
      expect(losing.match(/\(-/g)).toHaveLength(10);
      expect(losing).toContain(', … and 192 more (in the report below)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
