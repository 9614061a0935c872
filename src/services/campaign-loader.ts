// Reads a campaign file from disk and parses it (domain/campaign-file.ts stays pure; the file
// system lives here). An invalid file throws CampaignFileInvalid listing every error.
import { readFile } from 'node:fs/promises';
import type { Campaign } from '../domain/campaign.ts';
import { type CampaignFileError, formatCampaignErrors, parseCampaign } from '../domain/campaign-file.ts';

/** A campaign file that cannot be used: missing, unreadable or invalid. `message` lists every error. */
export class CampaignFileInvalid extends Error {
  readonly errors: readonly CampaignFileError[];

  constructor(errors: readonly CampaignFileError[]) {
    super(formatCampaignErrors(errors));
    this.name = 'CampaignFileInvalid';
    this.errors = errors;
  }
}

export async function loadCampaignFile(path: string): Promise<Campaign> {
  const result = parseCampaign(await readCampaignText(path), path);
  if (!result.ok) throw new CampaignFileInvalid(result.errors);
  return result.campaign;
}

async function readCampaignText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a campaign file'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new CampaignFileInvalid([{ file: path, path: '(root)', message }]);
  }
}
