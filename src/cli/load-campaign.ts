import { readFile } from 'node:fs/promises';
import type { Campaign } from '../domain/campaign.ts';
import { parseCampaign } from '../domain/campaign-file.ts';
import { CampaignFileInvalid, loadCampaignFile } from '../services/campaign-loader.ts';
import { CliError } from './cli-error.ts';

/**
 * The campaign a command runs on. The file's bytes are parsed here, not read as UTF-8 text first
 * (which turns bytes that are not UTF-8 into U+FFFD), so a file saved as GBK is refused rather
 * than sold with mojibake names. A file that cannot be read is left to loadCampaignFile, which
 * says why (no such file, a directory, …).
 */
export async function loadCampaignForCli(path: string): Promise<Campaign> {
  if (path.trim() === '') {
    throw new CliError(
      `--campaign: no file named (got ${JSON.stringify(path)}); give a campaign file, e.g. --campaign examples/demo/campaign.yaml`,
    );
  }
  const bytes = await readFile(path).catch(() => null);
  try {
    if (bytes === null) return await loadCampaignFile(path);
    const result = parseCampaign(bytes, path);
    if (!result.ok) throw new CampaignFileInvalid(result.errors);
    return result.campaign;
  } catch (error) {
    if (error instanceof CampaignFileInvalid) throw new CliError(error.message);
    throw error;
  }
}
