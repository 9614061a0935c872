// What is wrong with a campaign file, and where. Checks collect every problem rather than stopping
// at the first (campaign-file.md: "every error is listed"), each with its path in the file.

/** One step into the file: a key of a mapping or an index into a list. */
export type PathSegment = string | number;
export type FilePath = readonly PathSegment[];

export interface Problem {
  path: FilePath;
  message: string;
}

/** Collects problems; `at(prefix)` gives a view that reports below a path. */
export class Problems {
  readonly list: Problem[];
  private readonly prefix: FilePath;

  constructor(list: Problem[] = [], prefix: FilePath = []) {
    this.list = list;
    this.prefix = prefix;
  }

  add(path: FilePath, message: string): void {
    this.list.push({ path: [...this.prefix, ...path], message });
  }

  at(...path: PathSegment[]): Problems {
    return new Problems(this.list, [...this.prefix, ...path]);
  }

  get count(): number {
    return this.list.length;
  }
}

// Keys that read well after a dot; anything else (spaces, dots, brackets) is quoted.
const PLAIN_KEY = /^[^\s.[\]"'`]+$/;

/** `promotions[3].tiers[0].spend`; the empty path is the whole document, `(root)`. */
export function formatPath(path: FilePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(root)' : text;
}
