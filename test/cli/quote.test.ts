// `dacu quote` reads the same cart as POST /api/quote: without a buyer it prices a guest, without
// `at` it prices now; a cart that is not an object is refused with the file and the field.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/dacu.js', import.meta.url));
const campaign = fileURLToPath(new URL('../../examples/demo/campaign.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dacu-quote-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quote(cart: unknown, prefix = '') {
  const file = join(dir, `cart-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, prefix + JSON.stringify(cart));
  const run = spawnSync(process.execPath, [bin, 'quote', '--campaign', campaign, '--cart', file, '--json'], {
    encoding: 'utf8',
  });
  return { ...run, file };
}

describe('dacu quote', () => {
  it('prices a guest now when the cart names neither', () => {
    const before = Date.now();
    const run = quote({ lines: [{ sku: 's1-tv55', qty: 1 }] });
    expect(run.status, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.buyerId).toBe('guest');
    expect(Date.parse(answer.at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(answer.at)).toBeLessThanOrEqual(Date.now());
  });

  it('reads a cart saved with a byte-order mark (as Windows editors save it)', () => {
    const run = quote({ lines: [{ sku: 's1-tv55', qty: 1 }] }, '\uFEFF');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).buyerId).toBe('guest');
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    // A report far larger than a pipe holds: the writes go on after head has gone (EPIPE).
    const big = join(dir, 'big.yaml');
    const items = Array.from(
      { length: 3_000 },
      (_, i) =>
        `  - { sku: k${i}, store: s1, title: K${i}, category: c, role: regular, listPrice: 100, cost: 50, stock: 10 }`,
    );
    writeFileSync(
      big,
      ['campaign: { id: big, name: Big }', 'stores: [{ id: s1, name: S1 }]', 'catalog:', ...items, ''].join(
        '\n',
      ),
    );
    const run = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${bin}" check --campaign "${big}" --json | head -c 10`],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stdout).toBe('{\n  "campa');
    expect(run.stderr).toBe('');
  });

  it('refuses a cart that is not an object, naming the file', () => {
    const run = quote([1]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${run.file}: (root):`);
  });

  it('refuses a membership the campaign does not have (a typo would price a guest)', () => {
    const run = quote({ buyer: { id: 'u1', memberships: ['vip99'] }, lines: [{ sku: 's1-tv55', qty: 1 }] });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'buyer.memberships[0]: no membership "vip99" in this campaign (it has: vip88, plus) (UNKNOWN_MEMBERSHIP)',
    );
  });
});
