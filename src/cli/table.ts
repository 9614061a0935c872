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
    colAligns: head.map((_, i) => align[i] ?? 'left'),
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}
