/**
 * A Markdown table, aligned: readable as plain text in a terminal and rendered as a table when
 * pasted into a pull request. A `|` inside a cell is escaped so that it cannot split the cell.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string) => value.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const cells = [header, ...rows].map((row) => header.map((_, column) => cell(row[column] ?? "")));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const [headerCells = [], ...rowCells] = cells;
  // The separator row as Prettier writes it, so that a generated table pasted into Markdown stays as is.
  const separator = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return [line(headerCells), separator, ...rowCells.map(line)].join("\n");
}
