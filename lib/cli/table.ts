const NUMBER_CELL = /^(—|[-+]?[\d,]*\.?\d+%?)$/;

/** A plain text table: columns padded to their widest cell, columns of numbers right-aligned. */
export function textTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly (string | number)[]>,
): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((row) => NUMBER_CELL.test(String(row[c]))),
  );
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) =>
          numeric[c] ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function money(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
