import { describe, expect, it } from "vitest";
import { CsvRecordReader, MAX_RECORD_BYTES } from "#ingest/csv-records.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { thrownBy } from "#test-support/thrown.ts";
import { concatBytes, everySplit, singleBytes, utf8 } from "./byte-chunks.ts";
import { type CollectedRecords, recordCollector } from "./collected-records.ts";

/** Feeds the pieces to a reader, then finishes it, and returns what it reported, as text. */
function readPieces(pieces: readonly Uint8Array[], delimiter = ","): CollectedRecords {
  const { collected, onRecord, onProblem } = recordCollector();
  const reader = new CsvRecordReader(delimiter.charCodeAt(0), "orders.csv", onRecord, onProblem);
  for (const piece of pieces) reader.push(piece);
  reader.finish();
  return collected;
}

function readText(text: string, delimiter = ","): CollectedRecords {
  return readPieces([utf8(text)], delimiter);
}

const TEXT_AFTER_QUOTE = (field: number) =>
  `field ${field} has text after its closing quote: quote the whole field and double any quote inside it`;

describe("CsvRecordReader", () => {
  it("splits LF-terminated rows into fields and numbers each row by its line", () => {
    expect(readText("id,name,amount\n1,Acme,10\n2,Bolt,20\n")).toEqual({
      records: [
        { line: 1, fields: ["id", "name", "amount"] },
        { line: 2, fields: ["1", "Acme", "10"] },
        { line: 3, fields: ["2", "Bolt", "20"] },
      ],
      problems: [],
    });
  });

  it("reads CRLF line endings like LF ones, leaving no carriage return in the last field", () => {
    expect(readText("id,name\r\n1,Acme\r\n2,Bolt\n3,Cato\r\n")).toEqual({
      records: [
        { line: 1, fields: ["id", "name"] },
        { line: 2, fields: ["1", "Acme"] },
        { line: 3, fields: ["2", "Bolt"] },
        { line: 4, fields: ["3", "Cato"] },
      ],
      problems: [],
    });
  });

  it("keeps delimiters inside a quoted field as text", () => {
    expect(readText('id,name\n1,"Acme, Inc."\n').records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Acme, Inc."] },
    ]);
  });

  it("turns each doubled quote inside a quoted field into one quote", () => {
    expect(readText('id,note\n1,"say ""hi"" twice"\n2,""""\n').records).toEqual([
      { line: 1, fields: ["id", "note"] },
      { line: 2, fields: ["1", 'say "hi" twice'] },
      { line: 3, fields: ["2", '"'] },
    ]);
  });

  it("keeps newlines inside a quoted field and still gives later rows their true line numbers", () => {
    expect(readText('id,address,city\n1,"12 Main St\nFloor 3\r\nSuite 9",Oslo\n2,"Elm Rd",Bergen\n')).toEqual(
      {
        records: [
          { line: 1, fields: ["id", "address", "city"] },
          { line: 2, fields: ["1", "12 Main St\nFloor 3\r\nSuite 9", "Oslo"] },
          { line: 5, fields: ["2", "Elm Rd", "Bergen"] },
        ],
        problems: [],
      },
    );
  });

  it("reads empty fields, quoted or not, including a trailing empty field", () => {
    expect(readText('a,b,c,d\n,"",x,\n').records).toEqual([
      { line: 1, fields: ["a", "b", "c", "d"] },
      { line: 2, fields: ["", "", "x", ""] },
    ]);
  });

  it("keeps a quote in the middle of an unquoted field as text", () => {
    expect(readText('id,item\n1,24" monitor\n').records).toEqual([
      { line: 1, fields: ["id", "item"] },
      { line: 2, fields: ["1", '24" monitor'] },
    ]);
  });

  it("splits on the delimiter it is given: semicolon or tab", () => {
    expect(readText('id;name;amount\n1;"a;b";1,5\n', ";").records).toEqual([
      { line: 1, fields: ["id", "name", "amount"] },
      { line: 2, fields: ["1", "a;b", "1,5"] },
    ]);
    expect(readText("id\tname\n1\tAcme, Inc.\n", "\t").records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Acme, Inc."] },
    ]);
  });

  it("reads a final row that has no trailing newline", () => {
    expect(readText("id,name\n1,Acme\n2,Bolt").records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Acme"] },
      { line: 3, fields: ["2", "Bolt"] },
    ]);
    expect(readText('id,name\n1,"Acme"').records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Acme"] },
    ]);
  });

  it("holds back an unfinished last row until finish is called", () => {
    const lines: number[] = [];
    const reader = new CsvRecordReader(
      0x2c,
      "orders.csv",
      (record) => lines.push(record.line),
      () => {},
    );
    reader.push(utf8("id,name\n1,Acme\n2,Bo"));
    expect(lines).toEqual([1, 2]);
    expect(reader.nextLine).toBe(3);
    reader.push(utf8("lt"));
    expect(lines).toEqual([1, 2]);
    reader.finish();
    expect(lines).toEqual([1, 2, 3]);
  });

  it("skips blank lines, LF or CRLF, while counting them in the line numbers", () => {
    expect(readText("\nid,name\n\n1,Acme\r\n\r\n2,Bolt\n\n")).toEqual({
      records: [
        { line: 2, fields: ["id", "name"] },
        { line: 4, fields: ["1", "Acme"] },
        { line: 6, fields: ["2", "Bolt"] },
      ],
      problems: [],
    });
  });

  it("reports a row with text after a closing quote as a problem of its line and reads on", () => {
    expect(readText('id,name,amount\n1,"Acme" Inc,10\n2,"Bolt"x\n3,Cato,30\n')).toEqual({
      records: [
        { line: 1, fields: ["id", "name", "amount"] },
        { line: 4, fields: ["3", "Cato", "30"] },
      ],
      problems: [
        { line: 2, reason: TEXT_AFTER_QUOTE(2) },
        { line: 3, reason: TEXT_AFTER_QUOTE(2) },
      ],
    });
  });

  it("reports text after a closing quote on the last line even without a trailing newline", () => {
    expect(readText('id,name\n1,"Acme"x')).toEqual({
      records: [{ line: 1, fields: ["id", "name"] }],
      problems: [{ line: 2, reason: TEXT_AFTER_QUOTE(2) }],
    });
  });

  it("fails with MALFORMED_CSV naming the line where a quote that never closes starts", () => {
    const error = thrownBy(() => readText('id,note\n1,ok\n2,"never closed\n3,more\n'));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({
      code: "MALFORMED_CSV",
      message: "the quoted field that starts on line 3 is never closed: the file ends inside it",
      details: { file: "orders.csv", line: 3 },
    });
  });

  it("counts the newlines of earlier quoted fields of the row in the line of an unclosed quote", () => {
    expect(thrownBy(() => readText('id,a,b\n1,"two\nlines","open\n'))).toMatchObject({
      code: "MALFORMED_CSV",
      details: { file: "orders.csv", line: 3 },
    });
  });

  it("fails with MALFORMED_CSV rather than buffer a row longer than MAX_RECORD_BYTES", () => {
    const reader = new CsvRecordReader(
      0x2c,
      "orders.csv",
      () => {},
      () => {},
    );
    reader.push(utf8('id,note\n1,"'));
    const error = thrownBy(() => reader.push(new Uint8Array(MAX_RECORD_BYTES).fill(0x78)));
    expect(error).toMatchObject({ code: "MALFORMED_CSV", details: { file: "orders.csv", line: 2 } });
    expect((error as Error).message).toContain(`longer than ${MAX_RECORD_BYTES} bytes`);
    expect((error as Error).message).toContain("never closed");
  });

  it("reads rows with more fields than its initial capacity", () => {
    const header = Array.from({ length: 150 }, (_, i) => `c${i}`);
    const row = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? `${i}` : `"q""${i}"`));
    const { records } = readText(`${header.join(",")}\n${row.join(",")}\n`);
    expect(records).toEqual([
      { line: 1, fields: header },
      { line: 2, fields: Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? `${i}` : `q"${i}`)) },
    ]);
  });

  it("fails with NOT_UTF8 naming the line of a byte that is not UTF-8 (Latin-1 é)", () => {
    const latin1 = concatBytes(utf8("id,name\n1,Acme\n2,Caf"), Uint8Array.of(0xe9), utf8("\n3,Bolt\n"));
    for (const pieces of [[latin1], singleBytes(latin1)]) {
      const error = thrownBy(() => readPieces(pieces));
      expect(error).toBeInstanceOf(IngestError);
      expect(error).toMatchObject({ code: "NOT_UTF8", details: { file: "orders.csv", line: 3 } });
      expect((error as Error).message).toContain("line 3");
      expect((error as Error).message).toContain("UTF-8");
    }
  });

  it("fails with NOT_UTF8 for a bad byte on a last line that has no trailing newline", () => {
    const latin1 = concatBytes(utf8("id,name\n1,Acme\n2,Caf"), Uint8Array.of(0xe9));
    expect(thrownBy(() => readPieces([latin1]))).toMatchObject({
      code: "NOT_UTF8",
      details: { file: "orders.csv", line: 3 },
    });
  });

  it("ignores empty chunks, still checking that the bytes after one are UTF-8", () => {
    const empty = new Uint8Array(0);
    const latin1 = concatBytes(utf8("2,Caf"), Uint8Array.of(0xe9), utf8("\n"));
    expect(readPieces([empty, utf8("id,name\n1,Acme\n"), empty, utf8("2,Bolt\n")]).records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Acme"] },
      { line: 3, fields: ["2", "Bolt"] },
    ]);
    expect(thrownBy(() => readPieces([utf8("id,name\n1,Acme\n"), empty, latin1]))).toMatchObject({
      code: "NOT_UTF8",
      details: { file: "orders.csv", line: 3 },
    });
  });

  it("accepts a multi-byte character split between two chunks", () => {
    const bytes = utf8("id,name\n1,Café\n");
    const cut = bytes.indexOf(0xc3) + 1;
    expect(readPieces([bytes.subarray(0, cut), bytes.subarray(cut)]).records).toEqual([
      { line: 1, fields: ["id", "name"] },
      { line: 2, fields: ["1", "Café"] },
    ]);
  });

  describe("reads the same rows and problems however the bytes are chunked", () => {
    const tricky = utf8(
      'id,note,amount\r\n1,"say ""hi""",10\r\n\r\n2,"two\r\nlines",20\n3,"x"y,30\n4,"é, ü",40\n\n5,,""',
    );
    const expected: CollectedRecords = {
      records: [
        { line: 1, fields: ["id", "note", "amount"] },
        { line: 2, fields: ["1", 'say "hi"', "10"] },
        { line: 4, fields: ["2", "two\r\nlines", "20"] },
        { line: 7, fields: ["4", "é, ü", "40"] },
        { line: 9, fields: ["5", "", ""] },
      ],
      problems: [{ line: 6, reason: TEXT_AFTER_QUOTE(2) }],
    };

    it("whole", () => {
      expect(readPieces([tricky])).toEqual(expected);
    });

    it("in 1-byte chunks", () => {
      expect(readPieces(singleBytes(tricky))).toEqual(expected);
    });

    it("cut in two at every offset", () => {
      for (const [offset, head, tail] of everySplit(tricky)) {
        expect(readPieces([head, tail]), `cut at byte ${offset}`).toEqual(expected);
      }
    });
  });
});
