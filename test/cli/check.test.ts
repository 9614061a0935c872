// `dacu check` on the demo: the margin report names the one SKU the demo means to sell at a loss,
// and says when that loss happens (the moment the discounts that stack on it are all live).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/commands/check.ts';

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
});
