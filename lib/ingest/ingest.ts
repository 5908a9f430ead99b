import { Buffer } from "node:buffer";
import { Cube } from "#domain/cube.ts";
import { monthIndex, monthOfDate } from "#domain/month.ts";
import { CUSTOMER_DIMENSION, defaultSchemes, type SchemeDimensions, schemeId } from "#domain/scheme.ts";
import { CsvRecordReader, type FieldRecord, MAX_RECORD_BYTES } from "#ingest/csv-records.ts";
import { decodedBytes } from "#ingest/decoded-bytes.ts";
import { assertFileAccepted } from "#ingest/file-verdict.ts";
import { csvDelimiter, firstTextLine, looksLikeNdjson } from "#ingest/format-sniff.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { InvoiceLineReader } from "#ingest/invoice-line-reader.ts";
import {
  type ColumnLayout,
  type ColumnMapping,
  canonicalLayout,
  layoutFromMapping,
} from "#ingest/mapping.ts";
import { NdjsonRecordReader } from "#ingest/ndjson-records.ts";
import type { Reject } from "#ingest/reject.ts";

/** How many rejects a report keeps in memory; all of them go to `onReject`. */
export const FIRST_REJECTS_KEPT = 20;
const EARLIEST_PLAUSIBLE_MONTH = monthIndex(1970, 1);

export interface IngestProgress {
  readonly rows: number;
  readonly rejected: number;
}

export interface IngestOptions {
  /** The file's name, for messages. */
  readonly file: string;
  /** Absent: the headers must be canonical. */
  readonly mapping?: ColumnMapping;
  /** Absent: one scheme per dimension in the file, plus `customer`. */
  readonly schemes?: readonly SchemeDimensions[];
  /** Share of rejected rows past which the batch fails whole (default 5%). */
  readonly rejectRatio?: number;
  /** Dates later than the month after `now` are implausible. */
  readonly now: Date;
  readonly breadthDimension?: string;
  readonly onReject?: (reject: Reject) => void;
  /** Called every `progressEvery` rows. */
  readonly onProgress?: (progress: IngestProgress) => void;
  readonly progressEvery?: number;
}

export interface IngestReport {
  readonly file: string;
  readonly format: "csv" | "ndjson";
  readonly headers: readonly string[];
  readonly schemes: readonly string[];
  /** Data rows read (accepted + rejected); blank lines are not rows. */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly firstRejects: readonly Reject[];
  /** Physical lines read, the header included: where the next byte range of a split file starts counting. */
  readonly lines: number;
  readonly cube: Cube;
}

/**
 * Streams one file into a new cube. Every data row is either added or reported as a Reject; the
 * batch fails whole (an IngestError, no cube) when the file cannot be read or when more than the
 * reject ratio of its rows are bad, so nothing is ever half-applied.
 */
export async function ingest(
  input: AsyncIterable<Uint8Array>,
  options: IngestOptions,
): Promise<IngestReport> {
  const { file, mapping } = options;
  const cube = Cube.empty({ breadthDimension: options.breadthDimension });
  const latestMonth = monthOfDate(options.now) + 1;
  const progressEvery = options.progressEvery ?? 100_000;
  const firstRejects: Reject[] = [];
  let headers: readonly string[] | null = null;
  let schemes: string[] = [];
  let lineReader: InvoiceLineReader | null = null;
  let rows = 0;
  let rejected = 0;
  let format: "csv" | "ndjson" = mapping?.format ?? "csv";
  let decimal: "." | "," = mapping?.decimal ?? ".";

  const reject = (entry: Reject) => {
    rejected++;
    if (firstRejects.length < FIRST_REJECTS_KEPT) firstRejects.push(entry);
    options.onReject?.(entry);
  };
  const onHeaders = (found: string[]) => {
    headers = found;
    const layout = mapping ? layoutFromMapping(mapping, found, file) : canonicalLayout(found, file);
    schemes = registerSchemes(cube, layout, options.schemes, file);
    lineReader = new InvoiceLineReader(cube, {
      file,
      layout,
      dateFormat: mapping?.dateFormat ?? "ISO",
      decimal,
      earliestMonth: EARLIEST_PLAUSIBLE_MONTH,
      latestMonth,
    });
  };
  const onRecord = (record: FieldRecord) => {
    const reader = lineReader as InvoiceLineReader | null;
    if (reader === null) {
      onHeaders(headerTexts(record));
      return;
    }
    rows++;
    if (reader.read(record)) cube.add(reader.facts);
    else reject(reader.lastReject);
    if (options.onProgress && rows % progressEvery === 0) options.onProgress({ rows, rejected });
  };
  const onProblem = (line: number, reason: string) => {
    if (lineReader === null) {
      // A header that cannot be read is not a rejected row: the next row must not become the header.
      throw new IngestError("MALFORMED_CSV", `the header on line ${line} cannot be read: ${reason}`, {
        file,
        line,
      });
    }
    rows++;
    reject({ line, column: null, value: "", reason });
  };

  const openReader = (opening: Uint8Array): CsvRecordReader | NdjsonRecordReader => {
    if (mapping?.format === undefined) format = looksLikeNdjson(opening) ? "ndjson" : "csv";
    if (format === "ndjson") return new NdjsonRecordReader(file, decimal, onHeaders, onRecord, onProblem);
    const delimiter = mapping?.delimiter ?? csvDelimiter(opening);
    decimal = mapping?.decimal ?? (delimiter === ";" ? "," : ".");
    return new CsvRecordReader(delimiter.charCodeAt(0), file, onRecord, onProblem);
  };

  // The format and the delimiter are judged on the first line, so bytes are held back until it is whole:
  // a chunk may end anywhere, even one byte into the file.
  let reader: CsvRecordReader | NdjsonRecordReader | null = null;
  let opening: Uint8Array = new Uint8Array(0);
  for await (const chunk of decodedBytes(input, file)) {
    if (reader !== null) {
      reader.push(chunk);
      continue;
    }
    opening = opening.length === 0 ? chunk : Buffer.concat([opening, chunk]);
    if (!firstTextLine(opening).complete && opening.length <= MAX_RECORD_BYTES) continue;
    reader = openReader(opening);
    reader.push(opening);
  }
  if (reader === null && opening.length > 0) {
    reader = openReader(opening);
    reader.push(opening);
  }
  reader?.finish();

  if (headers === null) {
    throw new IngestError(
      "EMPTY_FILE",
      "the file is empty: expected a header line and then one invoice line per row",
      { file },
    );
  }
  assertFileAccepted({ file, headers, rows, rejected, firstRejects, rejectRatio: options.rejectRatio });
  const lines = reader === null ? 0 : reader.linesRead;
  return {
    file,
    format,
    headers,
    schemes,
    rows,
    accepted: rows - rejected,
    rejected,
    firstRejects,
    lines,
    cube,
  };
}

/** Registers the requested (or default) schemes; a scheme naming a dimension the file lacks fails now. */
function registerSchemes(
  cube: Cube,
  layout: ColumnLayout,
  requested: readonly SchemeDimensions[] | undefined,
  file: string,
): string[] {
  const available = [...layout.dimensions.map((d) => d.name), CUSTOMER_DIMENSION];
  const schemes = requested ?? defaultSchemes(layout.dimensions.map((d) => d.name));
  for (const dimensions of schemes) {
    const missing = dimensions.find((name) => !available.includes(name));
    if (missing !== undefined) {
      throw new IngestError(
        "UNKNOWN_DIMENSION",
        `scheme ${schemeId(dimensions)} needs the dimension "${missing}", which this file does not have; its dimensions are: ${available.join(", ")}`,
        { file, line: 1, column: missing, available },
      );
    }
    cube.scheme(dimensions);
  }
  return schemes.map(schemeId);
}

function headerTexts(record: FieldRecord): string[] {
  const decoder = new TextDecoder();
  return Array.from({ length: record.count }, (_, f) =>
    decoder.decode(record.bytes.subarray(record.starts[f] as number, record.ends[f] as number)).trim(),
  );
}
