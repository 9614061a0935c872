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
  // Bytes, not text: reading as UTF-8 would turn a GBK file's bytes into U+FFFD, where the parser
  // refuses a file that is not UTF-8 (and names the line).
  const result = parseCampaign(await readCampaignBytes(path), path);
  if (!result.ok) throw new CampaignFileInvalid(result.errors);
  return result.campaign;
}

async function readCampaignBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
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
