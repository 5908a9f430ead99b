import { Buffer, isUtf8 } from "node:buffer";
import { CR, LF, QUOTE } from "#ingest/bytes.ts";
import { IngestError } from "#ingest/ingest-error.ts";

/** One record's fields as byte ranges into `bytes`; valid only during the callback that receives it. */
export interface FieldRecord {
  bytes: Uint8Array;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** 1-based line where the record starts. */
  line: number;
}

export type RecordProblemHandler = (line: number, reason: string) => void;

/** A row this long is a quote that never closes, not data: fail rather than buffer the rest of the file. */
export const MAX_RECORD_BYTES = 1 << 20;

/**
 * A streaming RFC 4180 reader over raw bytes: quoted fields, doubled quotes, newlines inside quotes,
 * LF or CRLF. Chunks may split a record anywhere; the unfinished tail is carried into the next chunk,
 * so memory holds one chunk and one record, whatever the file's size.
 *
 * The scan is a plain loop over a byte buffer with no per-field strings: callers read numbers and
 * dictionary ids straight from the byte ranges. Text is checked to be UTF-8 as it arrives (natively,
 * before it is scanned), so a wrong encoding fails with its line number instead of garbling values.
 */
export class CsvRecordReader {
  private work = Buffer.allocUnsafe(1 << 20);
  private filled = 0;
  private validated = 0;
  private line = 1;
  private readonly record: FieldRecord;
  private escaped = new Uint8Array(64);

  constructor(
    private readonly delimiter: number,
    private readonly file: string,
    private readonly onRecord: (record: FieldRecord) => void,
    private readonly onProblem: RecordProblemHandler,
  ) {
    this.record = {
      bytes: this.work,
      count: 0,
      starts: new Int32Array(64),
      ends: new Int32Array(64),
      line: 1,
    };
  }

  /** Lines consumed so far (the next record starts on this line). */
  get nextLine(): number {
    return this.line;
  }

  /** Physical lines read so far, blank ones and those inside quoted fields included. */
  get linesRead(): number {
    return this.line - 1;
  }

  push(chunk: Uint8Array): void {
    // An empty chunk would make the search for the last newline below start at the end of `work`,
    // among bytes already consumed, and mark bytes as checked for UTF-8 that never were.
    if (chunk.length === 0) return;
    if (this.filled + chunk.length > this.work.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.work.length * 2, this.filled + chunk.length));
      this.work.copy(grown, 0, 0, this.filled);
      this.work = grown;
      this.record.bytes = grown;
    }
    this.work.set(chunk, this.filled);
    this.filled += chunk.length;
    const lastNewline = this.work.lastIndexOf(LF, this.filled - 1);
    if (lastNewline >= this.validated) this.checkUtf8(lastNewline + 1);
    const consumed = this.scan(false);
    this.work.copyWithin(0, consumed, this.filled);
    this.filled -= consumed;
    this.validated = Math.max(0, this.validated - consumed);
    if (this.filled > MAX_RECORD_BYTES) {
      throw new IngestError(
        "MALFORMED_CSV",
        `the row starting on line ${this.line} is longer than ${MAX_RECORD_BYTES} bytes: most likely a quote that is never closed`,
        { file: this.file, line: this.line },
      );
    }
  }

  /** Reads the last record, which may lack a final newline. */
  finish(): void {
    this.checkUtf8(this.filled);
    this.scan(true);
    this.filled = 0;
  }

  private checkUtf8(end: number): void {
    if (isUtf8(this.work.subarray(this.validated, end))) {
      this.validated = end;
      return;
    }
    // Rare path: find the line of the first bad byte sequence for the message.
    let line = this.line;
    let lineStart = 0;
    for (let i = 0; i < end; i++) {
      if (this.work[i] !== LF) continue;
      if (!isUtf8(this.work.subarray(lineStart, i))) break;
      line++;
      lineStart = i + 1;
    }
    throw new IngestError(
      "NOT_UTF8",
      `the file is not UTF-8 text: line ${line} has bytes that are not UTF-8. Export or save the file as UTF-8 and send it again`,
      { file: this.file, line },
    );
  }

  /** Emits every complete record in work[0, filled) and returns the offset where the unfinished one starts. */
  private scan(final: boolean): number {
    const bytes = this.work;
    const total = this.filled;
    const delimiter = this.delimiter;
    const record = this.record;
    let pos = 0;
    let nextQuote = -1;
    while (pos < total) {
      // Fast path: a complete line with no quote in it is split on delimiters alone.
      if (nextQuote < pos) {
        nextQuote = bytes.indexOf(QUOTE, pos);
        if (nextQuote < 0 || nextQuote >= total) nextQuote = total;
      }
      const lineEnd = bytes.indexOf(LF, pos);
      if (lineEnd >= 0 && lineEnd < nextQuote && this.scanPlainLine(pos, lineEnd)) {
        pos = lineEnd + 1;
        continue;
      }
      const recordStart = pos;
      let count = 0;
      let newlines = 0;
      let problem: string | null = null;
      for (;;) {
        if (count === record.starts.length) this.growFields();
        if (pos < total && bytes[pos] === QUOTE) {
          const open = pos;
          let escaped = 0;
          let close = -1;
          pos++;
          while (close < 0) {
            const quote = bytes.indexOf(QUOTE, pos);
            if (quote < 0 || quote >= total) {
              if (!final) return recordStart;
              throw new IngestError(
                "MALFORMED_CSV",
                `the quoted field that starts on line ${this.line + newlines} is never closed: the file ends inside it`,
                { file: this.file, line: this.line + newlines },
              );
            }
            if (quote + 1 >= total && !final) return recordStart;
            if (bytes[quote + 1] === QUOTE && quote + 1 < total) {
              escaped = 1;
              pos = quote + 2;
            } else close = quote;
          }
          for (let i = open + 1; i < close; i++) if (bytes[i] === LF) newlines++;
          record.starts[count] = open + 1;
          record.ends[count] = close;
          this.escaped[count] = escaped;
          count++;
          pos = close + 1;
          if (pos < total && bytes[pos] !== delimiter && bytes[pos] !== LF && bytes[pos] !== CR) {
            problem = `field ${count} has text after its closing quote: quote the whole field and double any quote inside it`;
            const nextLine = bytes.indexOf(LF, pos);
            if (nextLine < 0 || nextLine >= total) {
              if (!final) return recordStart;
              pos = total;
            } else pos = nextLine + 1;
            break;
          }
        } else {
          const start = pos;
          while (pos < total) {
            const b = bytes[pos];
            if (b === delimiter || b === LF || b === CR) break;
            pos++;
          }
          if (pos === total && !final) return recordStart;
          record.starts[count] = start;
          record.ends[count] = pos;
          this.escaped[count] = 0;
          count++;
        }
        if (pos >= total) break;
        const b = bytes[pos];
        pos++;
        if (b === delimiter) continue;
        if (b === CR) {
          if (pos < total) {
            if (bytes[pos] === LF) pos++;
          } else if (!final) return recordStart;
        }
        break;
      }
      const line = this.line;
      this.line += 1 + newlines;
      if (problem !== null) {
        this.onProblem(line, problem);
        continue;
      }
      if (count === 1 && record.starts[0] === record.ends[0] && this.escaped[0] === 0) continue; // a blank line
      for (let f = 0; f < count; f++) if (this.escaped[f] === 1) this.unescape(f);
      record.count = count;
      record.line = line;
      this.onRecord(record);
    }
    return total;
  }

  /**
   * Splits the quote-free line [start, lineEnd) on delimiters and emits it; false (nothing emitted)
   * when a carriage return stands anywhere but before the newline, which the full scan handles.
   */
  private scanPlainLine(start: number, lineEnd: number): boolean {
    const bytes = this.work;
    const delimiter = this.delimiter;
    const record = this.record;
    const end = lineEnd > start && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    let count = 0;
    let fieldStart = start;
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      if (b === delimiter) {
        if (count + 1 >= record.starts.length) this.growFields();
        record.starts[count] = fieldStart;
        record.ends[count] = i;
        count++;
        fieldStart = i + 1;
      } else if (b === CR) return false;
    }
    const line = this.line++;
    if (count === 0 && fieldStart === end) return true; // a blank line
    if (count >= record.starts.length) this.growFields();
    record.starts[count] = fieldStart;
    record.ends[count] = end;
    record.count = count + 1;
    record.line = line;
    this.onRecord(record);
    return true;
  }

  /** Turns each doubled quote of a field into one, in place: the bytes belong to this record alone. */
  private unescape(field: number): void {
    const bytes = this.work;
    const start = this.record.starts[field] as number;
    const end = this.record.ends[field] as number;
    let to = start;
    for (let from = start; from < end; from++, to++) {
      bytes[to] = bytes[from] as number;
      if (bytes[from] === QUOTE) from++;
    }
    this.record.ends[field] = to;
  }

  private growFields(): void {
    const size = this.record.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(this.record.starts);
    const ends = new Int32Array(size);
    ends.set(this.record.ends);
    const escaped = new Uint8Array(size);
    escaped.set(this.escaped);
    this.record.starts = starts;
    this.record.ends = ends;
    this.escaped = escaped;
  }
}
