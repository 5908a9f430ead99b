import { Buffer, isUtf8 } from "node:buffer";
import { LF } from "#ingest/bytes.ts";
import type { FieldRecord, RecordProblemHandler } from "#ingest/csv-records.ts";
import { IngestError } from "#ingest/ingest-error.ts";

const encoder = new TextEncoder();

/**
 * Newline-delimited JSON: one object per line. The keys of the first object are the file's columns;
 * each later object is laid out in that column order as text bytes, so the same invoice-line reader
 * serves CSV and NDJSON. JSON numbers are written with the batch's decimal separator.
 */
export class NdjsonRecordReader {
  private carry: Buffer = Buffer.alloc(0);
  private line = 0;
  private headers: string[] | null = null;
  private readonly record: FieldRecord = {
    bytes: new Uint8Array(4096),
    count: 0,
    starts: new Int32Array(64),
    ends: new Int32Array(64),
    line: 0,
  };

  constructor(
    private readonly file: string,
    private readonly decimal: "." | ",",
    private readonly onHeaders: (headers: string[]) => void,
    private readonly onRecord: (record: FieldRecord) => void,
    private readonly onProblem: RecordProblemHandler,
  ) {}

  /** Lines read so far, blank ones included. */
  get linesRead(): number {
    return this.line;
  }

  push(chunk: Uint8Array): void {
    const bytes =
      this.carry.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
        : Buffer.concat([this.carry, chunk]);
    let start = 0;
    for (let newline = bytes.indexOf(LF, start); newline >= 0; newline = bytes.indexOf(LF, start)) {
      this.readLine(bytes.subarray(start, newline));
      start = newline + 1;
    }
    this.carry = Buffer.from(bytes.subarray(start));
  }

  finish(): void {
    if (this.carry.length > 0) this.readLine(this.carry);
    this.carry = Buffer.alloc(0);
  }

  private readLine(text: Buffer): void {
    this.line++;
    if (!isUtf8(text)) {
      throw new IngestError(
        "NOT_UTF8",
        `the file is not UTF-8 text: line ${this.line} has bytes that are not UTF-8. Export the file as UTF-8 and send it again`,
        {
          file: this.file,
          line: this.line,
        },
      );
    }
    const source = text.toString("utf8").trim();
    if (source === "") return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      this.problem(`not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem("expected one JSON object per line");
      return;
    }
    const object = value as Record<string, unknown>;
    if (this.headers === null) {
      this.headers = Object.keys(object);
      this.onHeaders(this.headers);
    }
    this.layOut(object, this.headers);
  }

  private problem(reason: string): void {
    if (this.headers === null) {
      throw new IngestError(
        "MALFORMED_NDJSON",
        `line ${this.line} cannot start the file (${reason}): the first line must be a JSON object whose keys name the columns`,
        {
          file: this.file,
          line: this.line,
        },
      );
    }
    this.onProblem(this.line, reason);
  }

  private layOut(object: Record<string, unknown>, headers: readonly string[]): void {
    const record = this.record;
    if (headers.length > record.starts.length) {
      record.starts = new Int32Array(headers.length);
      record.ends = new Int32Array(headers.length);
    }
    let used = 0;
    for (let column = 0; column < headers.length; column++) {
      const text = fieldText(object[headers[column] as string], this.decimal);
      const needed = used + text.length * 3;
      if (needed > record.bytes.length) {
        const grown = new Uint8Array(needed * 2);
        grown.set(record.bytes.subarray(0, used));
        record.bytes = grown;
      }
      record.starts[column] = used;
      used += encoder.encodeInto(text, record.bytes.subarray(used)).written;
      record.ends[column] = used;
    }
    record.count = headers.length;
    record.line = this.line;
    this.onRecord(record);
  }
}

function fieldText(value: unknown, decimal: "." | ","): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return decimal === "." ? String(value) : String(value).replace(".", ",");
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
