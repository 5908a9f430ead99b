import { describe, expect, it } from "vitest";
import { csvField } from "#format/csv-field.ts";

describe("csvField", () => {
  it("leaves a plain value as it is, numbers as written", () => {
    expect(csvField("online")).toBe("online");
    expect(csvField(-12.5)).toBe("-12.5");
  });

  it("quotes a field holding a comma, a quote or a line break, doubling its quotes", () => {
    expect(csvField("west, north")).toBe('"west, north"');
    expect(csvField('the "big" one')).toBe('"the ""big"" one"');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
  });

  it("prefixes text a spreadsheet would run as a formula with a quote mark", () => {
    expect(csvField("=SUM(A1:A9)")).toBe("'=SUM(A1:A9)");
    expect(csvField("-1+1")).toBe("'-1+1");
    expect(csvField("@cmd, x")).toBe(`"'@cmd, x"`);
  });
});
