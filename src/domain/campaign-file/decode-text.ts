// The file's bytes -> its text. A campaign file is UTF-8 (a byte order mark is allowed). A file
// saved in another encoding, such as GBK or GB18030 by a Windows editor, is refused: read as UTF-8
// its Chinese would be mojibake (names, titles) that no later check could notice.
import type { Problem } from './problems.ts';

// fatal: a byte that is not UTF-8 is an error, not U+FFFD; the BOM is dropped (ignoreBOM false).
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

export type Decoded = { ok: true; text: string } | { ok: false; problems: Problem[] };

/** Text is taken as it is; bytes must be UTF-8. */
export function decodeText(source: string | Uint8Array): Decoded {
  if (typeof source === 'string') return { ok: true, text: source };
  try {
    return { ok: true, text: utf8.decode(source) };
  } catch {
    const message = `the file is not valid UTF-8 (first bad byte on line ${firstBadLine(source)}; saved as GBK or GB18030?): save it as UTF-8`;
    return { ok: false, problems: [{ path: [], message }] };
  }
}

/** The line of the first byte that is not UTF-8: where the lenient decoder put its first U+FFFD. */
function firstBadLine(bytes: Uint8Array): number {
  const text = utf8Lenient.decode(bytes);
  const bad = text.indexOf('\uFFFD');
  return text.slice(0, bad).split('\n').length;
}
