import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  csvDelimiter,
  firstTextLine,
  holdsQuotedLineBreak,
  isGzip,
  looksLikeNdjson,
  sniffDelimiter,
  utf8BomLength,
} from "#ingest/format-sniff.ts";
import { utf8 } from "./byte-chunks.ts";

const decoder = new TextDecoder();

describe("isGzip", () => {
  it("recognises gzip by its magic bytes, whatever the file is called", () => {
    expect(isGzip(new Uint8Array(gzipSync("id,revenue\n1,2\n")))).toBe(true);
    expect(isGzip(Uint8Array.of(0x1f, 0x8b))).toBe(true);
  });

  it("takes neither text, one magic byte alone nor an empty file for gzip", () => {
    expect(isGzip(utf8("id,revenue\n"))).toBe(false);
    expect(isGzip(Uint8Array.of(0x1f))).toBe(false);
    expect(isGzip(Uint8Array.of(0x8b, 0x1f))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
  });
});

describe("utf8BomLength", () => {
  it("counts the three bytes of a UTF-8 byte order mark, and nothing without one", () => {
    expect(utf8BomLength(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe(3);
    expect(utf8BomLength(utf8("\uFEFFid"))).toBe(3);
    expect(utf8BomLength(utf8("id"))).toBe(0);
    expect(utf8BomLength(Uint8Array.of(0xef, 0xbb))).toBe(0);
  });
});

describe("looksLikeNdjson", () => {
  it("takes a file whose first byte that is not blank opens an object for NDJSON", () => {
    expect(looksLikeNdjson(utf8('{"transaction_id":"T1"}\n'))).toBe(true);
    expect(looksLikeNdjson(utf8(' \r\n\t{"transaction_id":"T1"}'))).toBe(true);
  });

  it("takes a header line, a JSON array or blank text for something else", () => {
    expect(looksLikeNdjson(utf8("transaction_id,date\n"))).toBe(false);
    expect(looksLikeNdjson(utf8('[{"transaction_id":"T1"}]'))).toBe(false);
    expect(looksLikeNdjson(utf8(" \n\t"))).toBe(false);
    expect(looksLikeNdjson(new Uint8Array(0))).toBe(false);
  });
});

describe("firstTextLine", () => {
  it("skips blank lines and says whether the line's newline has arrived", () => {
    const complete = firstTextLine(utf8("\n  \r\nid,date\r\nT1,2024-01-05\n"));
    expect(decoder.decode(complete.line)).toBe("id,date\r");
    expect(complete.complete).toBe(true);

    const partial = firstTextLine(utf8("\nid,da"));
    expect(decoder.decode(partial.line)).toBe("id,da");
    expect(partial.complete).toBe(false);
  });
});

describe("sniffDelimiter", () => {
  it("picks the most frequent of comma, semicolon and tab in the header line", () => {
    expect(sniffDelimiter(utf8("id,date,customer,revenue"))).toBe(",");
    expect(sniffDelimiter(utf8("id;date;customer;revenue"))).toBe(";");
    expect(sniffDelimiter(utf8("id\tdate\tcustomer\trevenue"))).toBe("\t");
    expect(sniffDelimiter(utf8("id;date;Customer, name;revenue"))).toBe(";");
  });

  it("ignores delimiters inside quoted header names", () => {
    expect(sniffDelimiter(utf8('"a;b;c;d",e,f'))).toBe(",");
    expect(sniffDelimiter(utf8('"a,b,c,d";e;f'))).toBe(";");
  });

  it("falls back to a comma for a single column or a tie with the comma", () => {
    expect(sniffDelimiter(utf8("revenue"))).toBe(",");
    expect(sniffDelimiter(utf8("a,b;c"))).toBe(",");
    expect(sniffDelimiter(utf8(""))).toBe(",");
  });
});

describe("csvDelimiter", () => {
  it("judges the header line, the first line with text, not the rows under it", () => {
    expect(csvDelimiter(utf8("\n\nid;date;revenue\n1,2,3,4,5\n"))).toBe(";");
    expect(csvDelimiter(utf8("id\tdate\n1;2;3;4\n"))).toBe("\t");
  });
});

describe("holdsQuotedLineBreak", () => {
  it.each([
    ["a line break inside a quoted field", 'a,b\n1,"x\ny"\n', true],
    ["a doubled quote inside a quoted field, then a line break", 'a,b\n1,"say ""hi""\nthere"\n', true],
    ["quoted fields on one line each", 'a,b\n1,"x, y"\r\n2,"z"\n', false],
    ["a quote inside an unquoted field, then line breaks", 'a,b\n1,5" screen\n2,x\n', false],
    ["a quoted field that closes before the line break", 'a;b\n1;"x"\n2;"y"\n', false],
    ["a quote that never closes", 'a,b\n1,"x\n2,y\n', false],
    ["a line break in a quoted field that closes at the end of the bytes", 'a,b\n1,"x\ny"', true],
  ])("tells %s", (_, text, expected) => {
    const bytes = new TextEncoder().encode(text);
    expect(holdsQuotedLineBreak(bytes, text.includes(";") ? 0x3b : 0x2c)).toBe(expected);
  });

  it("reads quotes as opening a field only after the delimiter it is given", () => {
    const text = utf8('a;b\n1;"x\ny"\n');
    expect(holdsQuotedLineBreak(text, 0x3b)).toBe(true);
    expect(holdsQuotedLineBreak(text, 0x2c)).toBe(false);
  });
});
