// Text -> YAML -> sections of engine objects. Each list item is read on its own, so one bad item
// is reported at its own path while every other item is still read and checked.
import { type Document, parseDocument } from 'yaml';
import { z } from 'zod';
import type {
  CampaignPhase,
  CatalogItem,
  CouponTemplate,
  Membership,
  Promotion,
  Store,
} from '../campaign.ts';
import { limits } from '../limits.ts';
import { isValidTimeZone } from '../zoned-time.ts';
import { couponSchema } from './coupon-schema.ts';
import { fields } from './fields.ts';
import type { Problem, Problems } from './problems.ts';
import { promotionSchema } from './promotion-schema.ts';
import {
  type CampaignHeader,
  campaignHeaderSchema,
  campaignMembershipsMax,
  campaignPhasesMax,
  catalogItemSchema,
  membershipSchema,
  phaseSchema,
  storeSchema,
} from './sections.ts';
import { parseWith } from './zod-issues.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A section's items as written, and each read into its engine form (null where invalid). */
export interface Listed<T> {
  written: readonly unknown[];
  items: readonly (T | null)[];
  /**
   * False when the section itself was reported (missing, not a list, too long, or a required one
   * empty): what it defines is not known, so references into it are not checked one by one.
   */
  usable: boolean;
}

export interface Sections {
  header: CampaignHeader | null;
  timeZone: string;
  stores: Listed<Store>;
  memberships: Listed<Membership>;
  catalog: Listed<CatalogItem>;
  phases: Listed<CampaignPhase>;
  promotions: Listed<Promotion>;
  coupons: Listed<CouponTemplate>;
}

export type YamlRead = { ok: true; doc: Document; data: unknown } | { ok: false; problems: Problem[] };

/**
 * Parses YAML with the default core schema (YAML 1.2): timestamps stay text, so a time without
 * an offset is read in the campaign's zone, never silently as UTC.
 */
export function readYaml(text: string): YamlRead {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length === 0 && doc.contents === null) {
    // Nothing to read; "expected a mapping" would not say why.
    const message =
      text.trim() === '' ? 'the file is empty' : `the file holds nothing but comments: ${EXPECTED_DOCUMENT}`;
    return { ok: false, problems: [{ path: [], message }] };
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({ path: [], message: yamlErrorMessage(error) })),
    };
  }
  try {
    return { ok: true, doc, data: doc.toJS() };
  } catch (error) {
    // toJS refuses alias bombs (maxAliasCount) and the like.
    return { ok: false, problems: [{ path: [], message: `YAML error: ${(error as Error).message}` }] };
  }
}

function yamlErrorMessage(error: {
  message: string;
  linePos?: readonly { line: number; col: number }[];
}): string {
  const what = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
  const at = error.linePos?.[0];
  return at === undefined
    ? `YAML syntax error: ${what}`
    : `YAML syntax error at line ${at.line}, column ${at.col}: ${what}`;
}

const sectionMax = {
  phases: campaignPhasesMax,
  memberships: campaignMembershipsMax,
  stores: limits.campaignStoresMax,
  catalog: limits.campaignSkusMax,
  promotions: limits.campaignPromotionsMax,
  coupons: limits.campaignCouponsMax,
} as const;
type SectionName = keyof typeof sectionMax;

const list = (name: SectionName) =>
  z.array(z.unknown()).max(sectionMax[name], `at most ${sectionMax[name]} entries (limits.ts)`);

// A campaign sells something: at least one SKU, in at least one store.
const sectionSchemas = {
  phases: list('phases').optional(),
  memberships: list('memberships').optional(),
  stores: list('stores').min(1, 'list at least one store'),
  catalog: list('catalog').min(1, 'list at least one SKU'),
  promotions: list('promotions').optional(),
  coupons: list('coupons').optional(),
} satisfies Record<SectionName, z.ZodType>;

// Which sections exist and how long they are; the header is read (and required) by its own schema.
const documentSchema = fields({ campaign: z.unknown().optional(), ...sectionSchemas });

const EXPECTED_DOCUMENT = 'expected a mapping with campaign, stores, catalog, … (campaign-file.md)';

/** Reads every section it can; null only when the document is not a mapping at all. */
export function readSections(data: unknown, problems: Problems): Sections | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.add([], EXPECTED_DOCUMENT);
    return null;
  }
  const document = data as Record<string, unknown>;
  const header = parseWith(campaignHeaderSchema, document.campaign, problems.at('campaign'));
  parseWith(documentSchema, document, problems);
  const timeZone = writtenTimeZone(document.campaign);
  const section = <T>(name: SectionName, schema: z.ZodType<T>): Listed<T> => {
    const value = document[name];
    const written = Array.isArray(value) && value.length <= sectionMax[name] ? value : [];
    const items = written.map((item, i) => parseWith(schema, item, problems.at(name, i)));
    return { written, items, usable: sectionSchemas[name].safeParse(value).success };
  };
  return {
    header,
    timeZone,
    stores: section('stores', storeSchema),
    memberships: section('memberships', membershipSchema),
    catalog: section('catalog', catalogItemSchema),
    phases: section('phases', phaseSchema(timeZone)),
    promotions: section('promotions', promotionSchema(timeZone)),
    coupons: section('coupons', couponSchema(timeZone)),
  };
}

/** The zone times are read in; a bad zone is reported by the header, and the default stands in. */
function writtenTimeZone(campaign: unknown): string {
  const zone = (campaign as { timezone?: unknown } | null | undefined)?.timezone;
  return typeof zone === 'string' && isValidTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}
