import { describe, expect, it } from "vitest";
import { IngestError } from "#ingest/ingest-error.ts";
import { NdjsonRecordReader } from "#ingest/ndjson-records.ts";
import { thrownBy } from "#test-support/thrown.ts";
import { concatBytes, everySplit, singleBytes, utf8 } from "./byte-chunks.ts";
import { type CollectedRecords, recordCollector } from "./collected-records.ts";

interface ReadLines extends CollectedRecords {
  headers: string[][];
}

function readPieces(pieces: readonly Uint8Array[], decimal: "." | "," = "."): ReadLines {
  const headers: string[][] = [];
  const { collected, onRecord, onProblem } = recordCollector();
  const reader = new NdjsonRecordReader(
    "orders.ndjson",
    decimal,
    (header) => headers.push(header),
    onRecord,
    onProblem,
  );
  for (const piece of pieces) reader.push(piece);
  reader.finish();
  return { headers, ...collected };
}

function readText(text: string, decimal: "." | "," = "."): ReadLines {
  return readPieces([utf8(text)], decimal);
}

describe("NdjsonRecordReader", () => {
  it("takes the keys of the first object as the columns and lays out each object in their order", () => {
    expect(
      readText('{"id":"T1","revenue":10.5,"region":"North"}\n{"region":"South","id":"T2","revenue":7}\n'),
    ).toEqual({
      headers: [["id", "revenue", "region"]],
      records: [
        { line: 1, fields: ["T1", "10.5", "North"] },
        { line: 2, fields: ["T2", "7", "South"] },
      ],
      problems: [],
    });
  });

  it("writes JSON numbers as text and strings as they are", () => {
    expect(readText('{"a":12,"b":-0.25,"c":"1,234.50","d":1e-7,"e":"Zoë"}\n').records).toEqual([
      { line: 1, fields: ["12", "-0.25", "1,234.50", "1e-7", "Zoë"] },
    ]);
  });

  it("writes JSON numbers with a decimal comma when the batch uses one", () => {
    expect(readText('{"a":12.5,"b":3,"c":"4,75"}\n', ",").records).toEqual([
      { line: 1, fields: ["12,5", "3", "4,75"] },
    ]);
  });

  it("gives an empty field for a missing key or null, and text for booleans and nested values", () => {
    expect(
      readText('{"id":"T1","qty":2,"flag":true,"tags":["a"]}\n{"id":"T2","qty":null}\n').records,
    ).toEqual([
      { line: 1, fields: ["T1", "2", "true", '["a"]'] },
      { line: 2, fields: ["T2", "", "", ""] },
    ]);
  });

  it("ignores keys the first object did not have", () => {
    expect(readText('{"id":"T1"}\n{"id":"T2","extra":"x"}\n').records).toEqual([
      { line: 1, fields: ["T1"] },
      { line: 2, fields: ["T2"] },
    ]);
  });

  it("skips blank lines while counting them, reads CRLF lines and a last line without a newline", () => {
    expect(readText('\n{"id":"T1"}\r\n  \r\n{"id":"T2"}\n\n{"id":"T3"}')).toEqual({
      headers: [["id"]],
      records: [
        { line: 2, fields: ["T1"] },
        { line: 4, fields: ["T2"] },
        { line: 6, fields: ["T3"] },
      ],
      problems: [],
    });
  });

  it("reports a later line that is not JSON as a problem of its line and reads on", () => {
    const read = readText('{"id":"T1"}\nid,revenue\n{"id":"T3"}\n');
    expect(read.records).toEqual([
      { line: 1, fields: ["T1"] },
      { line: 3, fields: ["T3"] },
    ]);
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]?.line).toBe(2);
    expect(read.problems[0]?.reason).toMatch(/^not valid JSON: /);
  });

  it("reports a later line that is JSON but not an object", () => {
    expect(readText('{"id":"T1"}\n["T2"]\n42\nnull\n').problems).toEqual([
      { line: 2, reason: "expected one JSON object per line" },
      { line: 3, reason: "expected one JSON object per line" },
      { line: 4, reason: "expected one JSON object per line" },
    ]);
  });

  it("fails with MALFORMED_NDJSON when the first non-blank line is not a JSON object", () => {
    const error = thrownBy(() => readText('\n{"id": "T1",\n{"id":"T2"}\n'));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: "MALFORMED_NDJSON", details: { file: "orders.ndjson", line: 2 } });
    expect((error as Error).message).toMatch(/^line 2 cannot start the file \(not valid JSON: /);
    expect((error as Error).message).toContain(
      "the first line must be a JSON object whose keys name the columns",
    );

    expect(thrownBy(() => readText('[{"id":"T1"}]\n'))).toMatchObject({
      code: "MALFORMED_NDJSON",
      message:
        "line 1 cannot start the file (expected one JSON object per line): the first line must be a JSON object whose keys name the columns",
      details: { file: "orders.ndjson", line: 1 },
    });
  });

  it("fails with NOT_UTF8 naming the line of a byte that is not UTF-8", () => {
    const latin1 = concatBytes(utf8('{"id":"T1"}\n{"id":"Caf'), Uint8Array.of(0xe9), utf8('"}\n'));
    const error = thrownBy(() => readPieces([latin1]));
    expect(error).toMatchObject({ code: "NOT_UTF8", details: { file: "orders.ndjson", line: 2 } });
    expect((error as Error).message).toContain("line 2");
  });

  describe("reads the same records and problems however the bytes are chunked", () => {
    const text = utf8(
      '{"id":"T1","name":"Čapek","revenue":1.5}\r\n\n{"id":"T2","name":"ü","revenue":-2}\nnot json\n{"id":3}',
    );
    const read = readPieces([text]);

    it("whole", () => {
      expect(read.headers).toEqual([["id", "name", "revenue"]]);
      expect(read.records).toEqual([
        { line: 1, fields: ["T1", "Čapek", "1.5"] },
        { line: 3, fields: ["T2", "ü", "-2"] },
        { line: 5, fields: ["3", "", ""] },
      ]);
      expect(read.problems.map((problem) => problem.line)).toEqual([4]);
    });

    it("in 1-byte chunks", () => {
      expect(readPieces(singleBytes(text))).toEqual(read);
    });

    it("cut in two at every offset", () => {
      for (const [offset, head, tail] of everySplit(text)) {
        expect(readPieces([head, tail]), `cut at byte ${offset}`).toEqual(read);
      }
    });
  });
});
