import Table from 'cli-table3';

/** A plain table for terminals; cli-table3 measures CJK text by display width. */
export function renderTable(
  head: string[],
  rows: (string | number)[][],
  align: ('left' | 'right')[] = [],
): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    // No rule between body rows: a long report stays half as tall, and the columns still line up.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: head.map((_, i) => align[i] ?? 'left'),
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}
