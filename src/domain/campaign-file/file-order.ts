// Problems are found section by section, then check by check; the author reads the file top to
// bottom, so the list is put in the order the bad places appear in the file.
import { type Document, isNode } from 'yaml';
import type { FilePath, Problem } from './problems.ts';

export function inFileOrder(problems: readonly Problem[], doc: Document): Problem[] {
  const keyed = problems.map((problem) => ({ problem, offset: offsetOf(doc, problem.path) }));
  // Array.prototype.sort is stable: problems at one place keep the order they were found in.
  keyed.sort((a, b) => a.offset - b.offset);
  return keyed.map(({ problem }) => problem);
}

/** Where the path's node starts; a missing key falls back to the nearest enclosing node. */
function offsetOf(doc: Document, path: FilePath): number {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}
