import type { Campaign } from '../domain/campaign.ts';
import { CampaignFileInvalid, loadCampaignFile } from '../services/campaign-loader.ts';
import { CliError } from './cli-error.ts';

/** The campaign a command runs on; what is wrong with the file is a CliError. */
export async function loadCampaignForCli(path: string): Promise<Campaign> {
  if (path.trim() === '') {
    throw new CliError(
      `--campaign: no file named (got ${JSON.stringify(path)}); give a campaign file, e.g. --campaign examples/demo/campaign.yaml`,
    );
  }
  try {
    return await loadCampaignFile(path);
  } catch (error) {
    if (error instanceof CampaignFileInvalid) throw new CliError(error.message);
    throw error;
  }
}
