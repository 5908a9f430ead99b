import { describe, expect, it } from "vitest";
import { monthIndex } from "#domain/month.ts";
import {
  AmountReader,
  DATE_NOT_IN_CALENDAR,
  DATE_OUT_OF_RANGE,
  DATE_UNPARSEABLE,
  describeNumberProblem,
  hashBytes,
  hashBytesAlt,
  isBlank,
  NumberProblem,
  parseDateMonth,
  trimEnd,
  trimStart,
} from "#ingest/byte-values.ts";
import type { DateFormat } from "#ingest/mapping.ts";
import { utf8 } from "./byte-chunks.ts";

const DOT = 0x2e;
const COMMA = 0x2c;

/** Reads `text` with `.` (or the given) decimal separator and the other one as thousands separator. */
function amount(text: string, decimal: "." | "," = "."): { units: number; problem: NumberProblem } {
  const reader = decimal === "." ? new AmountReader(DOT, COMMA) : new AmountReader(COMMA, DOT);
  const bytes = utf8(text);
  const units = reader.read(bytes, 0, bytes.length);
  return { units, problem: reader.problem };
}

function accepted(units: number) {
  return { units, problem: NumberProblem.none };
}

function refused(problem: NumberProblem) {
  return { units: Number.NaN, problem };
}

function month(text: string, format: DateFormat): number {
  const bytes = utf8(text);
  return parseDateMonth(bytes, 0, bytes.length, format);
}

describe("AmountReader", () => {
  it("reads whole and decimal numbers as integer units of 1/10,000", () => {
    expect(amount("12")).toEqual(accepted(120_000));
    expect(amount("12.5")).toEqual(accepted(125_000));
    expect(amount("0.0001")).toEqual(accepted(1));
    expect(amount("1234.5678")).toEqual(accepted(12_345_678));
    expect(amount(".5")).toEqual(accepted(5_000));
    expect(amount("5.")).toEqual(accepted(50_000));
    expect(amount("0")).toEqual(accepted(0));
  });

  it("reads a sign and ignores surrounding spaces and tabs", () => {
    expect(amount("-3.25")).toEqual(accepted(-32_500));
    expect(amount("+7")).toEqual(accepted(70_000));
    expect(amount(" \t42 ")).toEqual(accepted(420_000));
  });

  it("rounds half away from zero at the fifth decimal", () => {
    expect(amount("0.00005")).toEqual(accepted(1));
    expect(amount("-0.00005")).toEqual(accepted(-1));
    expect(amount("0.000049")).toEqual(accepted(0));
    expect(amount("1.23456")).toEqual(accepted(12_346));
    expect(amount("2.99995")).toEqual(accepted(30_000));
    expect(amount("2.999949999")).toEqual(accepted(29_999));
  });

  it("reads thousands grouping with commas when the decimal separator is a dot", () => {
    expect(amount("1,234.56")).toEqual(accepted(12_345_600));
    expect(amount("1,234,567")).toEqual(accepted(12_345_670_000));
    expect(amount("-12,345.5")).toEqual(accepted(-123_455_000));
  });

  it("reads a decimal comma with dots grouping thousands", () => {
    expect(amount("1234,56", ",")).toEqual(accepted(12_345_600));
    expect(amount("1.234,56", ",")).toEqual(accepted(12_345_600));
    expect(amount("1.234.567,8", ",")).toEqual(accepted(12_345_678_000));
    expect(amount("-0,5", ",")).toEqual(accepted(-5_000));
  });

  it("never reads a separator between groups that are not three digits long as grouping", () => {
    expect(amount("1,5")).toEqual(refused(NumberProblem.notANumber));
    expect(amount("1,23,456")).toEqual(refused(NumberProblem.notANumber));
    expect(amount("1234,567")).toEqual(refused(NumberProblem.notANumber));
    expect(amount("1,2345")).toEqual(refused(NumberProblem.notANumber));
    expect(amount("1.5", ",")).toEqual(refused(NumberProblem.notANumber));
    expect(amount("12.34", ",")).toEqual(refused(NumberProblem.notANumber));
  });

  it("reads exponents, with either decimal separator", () => {
    expect(amount("1e3")).toEqual(accepted(10_000_000));
    expect(amount("1.5E-2")).toEqual(accepted(150));
    expect(amount("-2e0")).toEqual(accepted(-20_000));
    expect(amount("2,5e2", ",")).toEqual(accepted(2_500_000));
  });

  it("refuses NaN, infinities and numbers that overflow to infinity as not finite", () => {
    for (const text of ["NaN", "nan", "Infinity", "-Infinity", "+inf", "1e999", "-1e999"]) {
      expect(amount(text), text).toEqual(refused(NumberProblem.notFinite));
    }
  });

  it("refuses an empty or blank field as empty", () => {
    expect(amount("")).toEqual(refused(NumberProblem.empty));
    expect(amount("  \t ")).toEqual(refused(NumberProblem.empty));
  });

  it("refuses text that is not a number", () => {
    for (const text of ["abc", "12abc", "1.2.3", "$5", "5 €", "-", "1 234", "e5", "0x10", "12%", "."]) {
      expect(amount(text), text).toEqual(refused(NumberProblem.notANumber));
    }
  });

  it("refuses amounts of 1e11 or more in size, which could not be summed exactly", () => {
    expect(amount("99999999999.9999")).toEqual(accepted(999_999_999_999_999));
    expect(amount("100000000000")).toEqual(refused(NumberProblem.outOfRange));
    expect(amount("-100000000000")).toEqual(refused(NumberProblem.outOfRange));
    expect(amount("1e11")).toEqual(refused(NumberProblem.outOfRange));
  });

  it("reads only the given byte range and clears the last problem on the next read", () => {
    const reader = new AmountReader(DOT, COMMA);
    const bytes = utf8("xx12.5yy");
    expect(reader.read(bytes, 0, 8)).toBeNaN();
    expect(reader.problem).toBe(NumberProblem.notANumber);
    expect(reader.read(bytes, 2, 6)).toBe(125_000);
    expect(reader.problem).toBe(NumberProblem.none);
  });
});

describe("describeNumberProblem", () => {
  it("says what was expected for each problem", () => {
    expect(describeNumberProblem(NumberProblem.empty, ".")).toBe("a number is required here");
    expect(describeNumberProblem(NumberProblem.notFinite, ".")).toBe("expected a finite number");
    expect(describeNumberProblem(NumberProblem.outOfRange, ".")).toBe(
      "expected a number smaller than 1e+11 in size",
    );
    expect(describeNumberProblem(NumberProblem.notANumber, ",")).toBe(
      'expected a number with "," as the decimal separator',
    );
  });
});

describe("parseDateMonth", () => {
  const march2024 = monthIndex(2024, 3);

  it("reads ISO dates and date-times to their month", () => {
    expect(month("2024-03-15", "ISO")).toBe(march2024);
    expect(month("2024-03-15T10:30:00Z", "ISO")).toBe(march2024);
    expect(month("2024-03-31T23:59:59.999+02:00", "ISO")).toBe(march2024);
    expect(month("2024-03-01 00:00", "ISO")).toBe(march2024);
    expect(month(" 2024-03-15 ", "ISO")).toBe(march2024);
  });

  it("refuses an ISO date whose time part is not a time", () => {
    expect(month("2024-03-15T24:00", "ISO")).toBe(DATE_UNPARSEABLE);
    expect(month("2024-03-15T10:60", "ISO")).toBe(DATE_UNPARSEABLE);
    expect(month("2024-03-15Tnoon", "ISO")).toBe(DATE_UNPARSEABLE);
    expect(month("2024-03-15 10:30 CET", "ISO")).toBe(DATE_UNPARSEABLE);
  });

  it.each<[title: string, format: DateFormat, reads: Array<[string, number]>]>([
    [
      "reads YYYY-MM-DD without a time part",
      "YYYY-MM-DD",
      [
        ["2024-03-15", march2024],
        ["2024-03-15T10:30:00Z", DATE_UNPARSEABLE],
      ],
    ],
    [
      "reads MM/DD/YYYY with one- or two-digit parts and / . or - between them",
      "MM/DD/YYYY",
      [
        ["03/15/2024", march2024],
        ["3/5/2024", march2024],
        ["12/31/2023", monthIndex(2023, 12)],
        ["3.15.2024", march2024],
        ["3-15-2024", march2024],
      ],
    ],
    [
      "reads DD/MM/YYYY with the day first",
      "DD/MM/YYYY",
      [
        ["15/03/2024", march2024],
        ["5/3/2024", march2024],
        ["31.12.2023", monthIndex(2023, 12)],
      ],
    ],
    [
      "reads YYYYMMDD",
      "YYYYMMDD",
      [
        ["20240315", march2024],
        ["20231231", monthIndex(2023, 12)],
      ],
    ],
  ])("%s", (_, format, reads) => {
    for (const [text, expected] of reads) expect(month(text, format)).toBe(expected);
  });

  it("refuses text that does not follow the format as unparseable", () => {
    const cases: Array<[string, DateFormat]> = [
      ["", "ISO"],
      ["yesterday", "ISO"],
      ["2024/03/15", "ISO"],
      ["15-03-2024", "ISO"],
      ["2024-3-15", "ISO"],
      ["2024-0a-15", "ISO"],
      ["03/15/24", "MM/DD/YYYY"],
      ["3/15-2024", "MM/DD/YYYY"],
      ["003/15/2024", "MM/DD/YYYY"],
      ["2024-03-15", "DD/MM/YYYY"],
      ["2024031", "YYYYMMDD"],
      ["2024-03-15", "YYYYMMDD"],
      ["2024031x", "YYYYMMDD"],
    ];
    for (const [text, format] of cases)
      expect(month(text, format), `${text} as ${format}`).toBe(DATE_UNPARSEABLE);
  });

  it("refuses well-formed dates that are not days of the calendar", () => {
    const cases: Array<[string, DateFormat]> = [
      ["2023-02-30", "ISO"],
      ["2023-02-29", "ISO"],
      ["1900-02-29", "ISO"],
      ["2024-04-31", "YYYY-MM-DD"],
      ["2024-13-01", "ISO"],
      ["2024-00-10", "ISO"],
      ["2024-03-00", "ISO"],
      ["02/30/2024", "MM/DD/YYYY"],
      ["13/01/2024", "MM/DD/YYYY"],
      ["31/04/2024", "DD/MM/YYYY"],
      ["20230230", "YYYYMMDD"],
    ];
    for (const [text, format] of cases) {
      expect(month(text, format), `${text} as ${format}`).toBe(DATE_NOT_IN_CALENDAR);
    }
  });

  it("accepts 29 February in leap years", () => {
    expect(month("2024-02-29", "ISO")).toBe(monthIndex(2024, 2));
    expect(month("2000-02-29", "ISO")).toBe(monthIndex(2000, 2));
  });

  it("tells real days outside the years a month index holds (1900 to 2199) from impossible ones", () => {
    expect(month("1850-06-15", "ISO")).toBe(DATE_OUT_OF_RANGE);
    expect(month("0001-01-01", "ISO")).toBe(DATE_OUT_OF_RANGE);
    expect(month("25001231", "YYYYMMDD")).toBe(DATE_OUT_OF_RANGE);
    expect(month("15/06/1850", "DD/MM/YYYY")).toBe(DATE_OUT_OF_RANGE);
    expect(month("1850-02-30", "ISO")).toBe(DATE_NOT_IN_CALENDAR);
    expect(month("1900-01-01", "ISO")).toBe(monthIndex(1900, 1));
    expect(month("2199-12-31", "ISO")).toBe(monthIndex(2199, 12));
  });
});

describe("blank fields and trimming", () => {
  it("treats spaces and tabs, and nothing else, as blank", () => {
    const bytes = utf8(" \t x \t ");
    expect(isBlank(bytes, 0, 3)).toBe(true);
    expect(isBlank(bytes, 0, 0)).toBe(true);
    expect(isBlank(bytes, 0, bytes.length)).toBe(false);
    expect(trimStart(bytes, 0, bytes.length)).toBe(3);
    expect(trimEnd(bytes, 0, bytes.length)).toBe(4);
    expect(trimEnd(bytes, 0, 3)).toBe(0);
  });
});

describe("hashBytes and hashBytesAlt", () => {
  it("compute FNV-1a of the byte range", () => {
    expect(hashBytes(utf8(""), 0, 0)).toBe(0x811c9dc5);
    expect(hashBytes(utf8("a"), 0, 1)).toBe(0xe40c292c);
    expect(hashBytes(utf8("foobar"), 0, 6)).toBe(0xbf9cf968);
  });

  it("depend only on the bytes in the range, not where they sit", () => {
    const alone = utf8("ORDER-17");
    const inside = utf8("xxORDER-17yy");
    expect(hashBytes(inside, 2, 10)).toBe(hashBytes(alone, 0, alone.length));
    expect(hashBytesAlt(inside, 2, 10)).toBe(hashBytesAlt(alone, 0, alone.length));
  });

  it("give unsigned 32-bit values that tell near-identical ids apart", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => utf8(`T${i}`));
    const first = new Set(ids.map((id) => hashBytes(id, 0, id.length)));
    const pairs = new Set(
      ids.map((id) => `${hashBytes(id, 0, id.length)}:${hashBytesAlt(id, 0, id.length)}`),
    );
    expect(first.size).toBe(1000);
    expect(pairs.size).toBe(1000);
    for (const id of ids) {
      const alt = hashBytesAlt(id, 0, id.length);
      expect(alt).toBeGreaterThanOrEqual(0);
      expect(alt).toBeLessThan(2 ** 32);
    }
  });
});
