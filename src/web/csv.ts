/**
 * Rows as CSV (RFC 4180): every cell quoted, quotes doubled, lines ended with CRLF. A cell a spreadsheet
 * would run as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with an
 * apostrophe, so an email or a reason written by someone else cannot run in the reader's spreadsheet.
 */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return `${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

function cell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}
