import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../services/campaign-loader.ts';
import { CliError } from './cli-error.ts';
import { loadCampaignForCli } from './load-campaign.ts';

const demo = fileURLToPath(new URL('../../examples/demo/campaign.yaml', import.meta.url));

/**
 * Text as GBK bytes, the way a Windows editor saves "ANSI" Chinese: a character GBK has no
 * two-byte form for (¥) becomes "?", as such an editor writes it. Node decodes GBK but does not
 * encode it, so the table is built by decoding every two-byte sequence.
 */
function gbk(text: string): Uint8Array {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail !== 0x7f) table.set(decoder.decode(new Uint8Array([lead, trail])), [lead, trail]);
    }
  }
  return new Uint8Array(
    [...text].flatMap((char) => {
      const code = char.codePointAt(0)!;
      return code < 0x80 ? [code] : (table.get(char) ?? [0x3f]);
    }),
  );
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dacu-load-campaign-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fileWith(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const failureOf = (path: string) =>
  loadCampaignForCli(path).then(
    () => null,
    (error: unknown) => error,
  );

describe('loadCampaignForCli', () => {
  it('refuses the demo saved as GBK, naming the file and saying to save it as UTF-8', async () => {
    const path = await fileWith('gbk.yaml', gbk(await readFile(demo, 'utf8')));
    const error = await failureOf(path);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `${path}: (root): the file is not valid UTF-8 (first bad byte on line 1; saved as GBK or GB18030?): save it as UTF-8`,
    );
  });

  it('loads the demo saved as UTF-8 with a byte order mark', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...(await readFile(demo))]);
    const path = await fileWith('bom.yaml', bom);
    expect(await loadCampaignForCli(path)).toEqual(await loadCampaignFile(demo));
  });

  it.each(['', '  '])('names the option when the path is %j', async (path) => {
    const error = await failureOf(path);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `--campaign: no file named (got ${JSON.stringify(path)}); give a campaign file, e.g. --campaign examples/demo/campaign.yaml`,
    );
  });

  it('still says why a file cannot be read, and lists every error of an invalid one', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(((await failureOf(missing)) as CliError).message).toBe(`${missing}: (root): no such file`);
    expect(((await failureOf(dir)) as CliError).message).toBe(
      `${dir}: (root): is a directory, not a campaign file`,
    );
    const empty = await fileWith('empty.yaml', '');
    expect(((await failureOf(empty)) as CliError).message).toBe(`${empty}: (root): the file is empty`);
  });
});
