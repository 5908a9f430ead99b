import { describe, expect, it } from "vitest";
import { csvLine, type InvoiceLine, SAMPLE_COLUMNS, SAMPLE_HEADER } from "#sample/invoice-line.ts";

/** A line whose every value names its column, built in reverse column order. */
function lineNamingItsColumns(): InvoiceLine {
  const entries = [...SAMPLE_COLUMNS].reverse().map((column) => [column, column] as const);
  return Object.fromEntries(entries) as InvoiceLine;
}

describe("csvLine", () => {
  it("writes the fields in the header's column order, whatever order the record was built in", () => {
    expect(`${SAMPLE_COLUMNS.join(",")}\n`).toBe(SAMPLE_HEADER);
    expect(csvLine(lineNamingItsColumns())).toBe(SAMPLE_HEADER);
  });

  it("writes numbers as JavaScript prints them and text as it is, ending the line in a newline", () => {
    const line: InvoiceLine = {
      ...lineNamingItsColumns(),
      quantity: -3,
      revenue: "-12.50",
      date: "2024-02-29",
    };
    const fields = csvLine(line).split(",");
    expect(fields[SAMPLE_COLUMNS.indexOf("quantity")]).toBe("-3");
    expect(fields[SAMPLE_COLUMNS.indexOf("revenue")]).toBe("-12.50");
    expect(fields[SAMPLE_COLUMNS.indexOf("date")]).toBe("2024-02-29");
    expect(fields.at(-1)).toBe("customer_type\n");
  });
});
