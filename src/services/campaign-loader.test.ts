import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CampaignFileInvalid, loadCampaignFile } from './campaign-loader.ts';

const SMALL = `
campaign: { id: c1, name: small }
stores: [{ id: s1, name: 店 }]
catalog:
  - { sku: s1-a, store: s1, title: A, category: misc, role: regular, listPrice: 10, cost: 5, stock: 1 }
`;

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function fileWith(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dacu-campaign-'));
  made.push(dir);
  const path = join(dir, 'campaign.yaml');
  await writeFile(path, text, 'utf8');
  return path;
}

describe('loadCampaignFile', () => {
  it('loads a valid file', async () => {
    const campaign = await loadCampaignFile(await fileWith(SMALL));
    expect(campaign.catalog[0]?.listPriceFen).toBe(1_000);
  });

  it('names a missing file', async () => {
    const missing = join(tmpdir(), 'dacu-no-such-campaign.yaml');
    const error = await loadCampaignFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CampaignFileInvalid);
    expect((error as CampaignFileInvalid).message).toBe(`${missing}: (root): no such file`);
  });

  it('throws every error of an invalid file, one line each', async () => {
    const path = await fileWith(
      SMALL.replace('listPrice: 10', 'listPrice: -1').replace('cost: 5', 'cost: 5.555'),
    );
    const error = (await loadCampaignFile(path).catch((e: unknown) => e)) as CampaignFileInvalid;
    expect(error).toBeInstanceOf(CampaignFileInvalid);
    expect(error.errors.map((e) => e.path)).toEqual(['catalog[0].listPrice', 'catalog[0].cost']);
    expect(error.message.split('\n')).toEqual([
      `${path}: catalog[0].listPrice: must not be negative, got -1`,
      `${path}: catalog[0].cost: at most two decimals (whole fen), got 5.555`,
    ]);
  });
});
