// Zod's issues turned into problems a campaign author can act on: the path of the bad key and a
// message in the file's words ("expected a list", "unknown kind; kinds are ...").
import type { z } from 'zod';
import type { FilePath, Problems } from './problems.ts';
import { describeValue, oneOf } from './wording.ts';

/** Parses `value` with `schema`; on failure reports every issue under `problems` and returns null. */
export function parseWith<Out>(schema: z.ZodType<Out>, value: unknown, problems: Problems): Out | null {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(issue, problems);
  return null;
}

function reportIssue(issue: z.core.$ZodIssue, problems: Problems): void {
  const path: FilePath = issue.path.map((segment) =>
    typeof segment === 'symbol' ? String(segment) : segment,
  );
  switch (issue.code) {
    case 'unrecognized_keys': {
      // fields.ts wrote one message per key, one per line.
      const messages = issue.message.split('\n');
      issue.keys.forEach((key, i) => {
        problems.add([...path, key], messages[i] ?? 'unknown key');
      });
      return;
    }
    case 'invalid_union':
      problems.add(path, unionMessage(issue));
      return;
    case 'invalid_type':
      problems.add(path, typeMessage(issue.expected, issue.input));
      return;
    case 'invalid_value':
      problems.add(path, `expected ${oneOf(issue.values.map(String))}, got ${describeValue(issue.input)}`);
      return;
    default:
      problems.add(path, issue.message);
  }
}

/** A discriminated union that matched no `kind`: say which kinds exist. */
function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string {
  const kinds = 'options' in issue ? issue.options : undefined;
  if (issue.discriminator === undefined || kinds === undefined) return issue.message;
  const input = issue.input as Record<string, unknown> | undefined;
  const kind = input?.[issue.discriminator];
  const known = kinds.map(String).join(', ');
  if (kind === undefined) return `is required; kinds are: ${known}`;
  if (typeof kind !== 'string')
    return `expected a kind as text, got ${describeValue(kind)}; kinds are: ${known}`;
  return `unknown kind "${kind}"; kinds are: ${known}`;
}

const NOUNS: Record<string, string> = {
  object: 'a mapping ({ key: value })',
  record: 'a mapping ({ key: value })',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

function typeMessage(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  return `expected ${NOUNS[expected] ?? expected}, got ${describeValue(input)}`;
}
