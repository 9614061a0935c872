import type { Campaign } from '../domain/campaign.ts';
import { CampaignFileInvalid, loadCampaignFile } from '../services/campaign-loader.ts';
import { CliError } from './cli-error.ts';

export async function loadCampaignForCli(path: string): Promise<Campaign> {
  try {
    return await loadCampaignFile(path);
  } catch (error) {
    if (error instanceof CampaignFileInvalid) throw new CliError(error.message);
    throw error;
  }
}
