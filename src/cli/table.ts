/** Prints rows as an aligned plain-text table (CJK characters count double). */
export function printTable(rows: readonly Record<string, unknown>[], out: NodeJS.WritableStream = process.stdout): void {
  if (rows.length === 0) {
    out.write('(none)\n');
    return;
  }
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, index) => Math.max(width(column), ...cells.map((row) => width(row[index]!))));
  const line = (values: string[]) => values.map((value, index) => value + ' '.repeat(widths[index]! - width(value))).join('  ').trimEnd();
  out.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of cells) out.write(`${line(row)}\n`);
}

function width(text: string): number {
  let total = 0;
  for (const char of text) total += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
  return total;
}
