// The campaign file (YAML) -> the engine's Campaign (docs/campaign-file.md, PRICING.md "The
// campaign file"). Pure: bytes or text in, a Campaign or every problem out; reading the file is
// services/campaign-loader.ts's job. A file with any problem is never half-loaded.
import type { Campaign } from './campaign.ts';
import { assembleCampaign } from './campaign-file/assemble.ts';
import { checkCampaign } from './campaign-file/campaign-checks.ts';
import { decodeText } from './campaign-file/decode-text.ts';
import { inFileOrder } from './campaign-file/file-order.ts';
import { formatPath, type Problem, Problems } from './campaign-file/problems.ts';
import { readSections, readYaml } from './campaign-file/read-document.ts';

/** One thing wrong with a campaign file: `path` like `promotions[3].tiers[0].spend` or `(root)`. */
export interface CampaignFileError {
  file: string;
  path: string;
  message: string;
}

export type CampaignParseResult =
  | { ok: true; campaign: Campaign }
  | { ok: false; errors: CampaignFileError[] };

/**
 * Parses a campaign file. Pass the file's bytes where there are any: they must be UTF-8, and a file
 * in another encoding is refused rather than read as mojibake. Text is taken as already decoded.
 */
export function parseCampaign(source: string | Uint8Array, fileName: string): CampaignParseResult {
  const decoded = decodeText(source);
  if (!decoded.ok) return { ok: false, errors: toFileErrors(decoded.problems, fileName) };
  const yaml = readYaml(decoded.text);
  if (!yaml.ok) return { ok: false, errors: toFileErrors(yaml.problems, fileName) };
  const problems = new Problems();
  const sections = readSections(yaml.data, problems);
  if (sections !== null) checkCampaign(sections, problems);
  if (sections === null || problems.count > 0) {
    return { ok: false, errors: toFileErrors(inFileOrder(problems.list, yaml.doc), fileName) };
  }
  return { ok: true, campaign: assembleCampaign(sections) };
}

/** One line per error: `FILE: path: message` (campaign-file.md). */
export function formatCampaignErrors(errors: readonly CampaignFileError[]): string {
  return errors.map((error) => `${error.file}: ${error.path}: ${error.message}`).join('\n');
}

function toFileErrors(problems: readonly Problem[], file: string): CampaignFileError[] {
  return problems.map((problem) => ({ file, path: formatPath(problem.path), message: problem.message }));
}
