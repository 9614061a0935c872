// Hints for a misspelt name: "did you mean s1-tv55?" turns a rejected file into a one-key fix.

/** Above this many candidates no hint is computed: a million SKUs would make a typo slow to report. */
const candidatesMax = 10_000;
/** Small sets are listed in full, which says more than a guess. */
const listedMax = 12;

type Names = readonly string[] | ReadonlySet<string>;

function sizeOf(names: Names): number {
  return 'size' in names ? names.size : names.length;
}

/** ` (did you mean "listPrice"?)` when one candidate is close to `word`, else ''. */
export function didYouMean(word: string, candidates: Names): string {
  if (sizeOf(candidates) > candidatesMax) return '';
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === null ? '' : ` (did you mean "${best}"?)`;
}

/** `; stores are: s1, s2` for a small set, else a did-you-mean hint. */
export function knownOrClosest(word: string, what: string, candidates: Names): string {
  const size = sizeOf(candidates);
  if (size === 0) return `; there are no ${what}`;
  if (size <= listedMax) return `; ${what} are: ${[...candidates].join(', ')}`;
  return didYouMean(word, candidates);
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
