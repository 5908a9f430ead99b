import { Cube } from "#domain/cube.ts";
import { LF } from "#ingest/bytes.ts";
import { isGzip, utf8BomLength } from "#ingest/format-sniff.ts";
import { type IngestOptions, type IngestReport, ingest } from "#ingest/ingest.ts";
import { IngestError } from "#ingest/ingest-error.ts";

/** A part of an uncompressed file, [start, end) in bytes, that one worker ingests. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The lines a worker owns when a file is cut at arbitrary byte offsets: exactly those whose first
 * byte lies in [start, end). The range skips the line it starts inside (its owner is the range
 * before) and finishes the line it ends inside, so splitting a file anywhere reads every line once.
 *
 * `input` must begin at byte max(0, start − 1) of the file: the byte before `start` tells whether
 * `start` itself begins a line. Ranges are cut on newlines, so a quoted field with a newline inside
 * must not straddle a cut: split files whose fields hold newlines as one range.
 */
export async function* rangeLines(
  input: AsyncIterable<Uint8Array>,
  range: ByteRange,
): AsyncGenerator<Uint8Array> {
  if (range.end <= range.start) return;
  let position = Math.max(0, range.start - 1); // file offset of the next chunk's first byte
  let skipping = range.start > 0;
  let finishing = false;
  for await (const chunk of input) {
    let from = 0;
    if (skipping) {
      const newline = chunk.indexOf(LF);
      if (newline < 0) {
        position += chunk.length;
        continue;
      }
      from = newline + 1;
      skipping = false;
      if (position + from >= range.end) return;
    }
    if (finishing) {
      const newline = chunk.indexOf(LF);
      if (newline < 0) {
        yield chunk;
        continue;
      }
      yield chunk.subarray(0, newline + 1);
      return;
    }
    if (position + chunk.length < range.end) {
      if (from < chunk.length) yield chunk.subarray(from);
      position += chunk.length;
      continue;
    }
    // The chunk holds byte end − 1: own up to the newline that closes the line containing it.
    const newline = chunk.indexOf(LF, Math.max(from, range.end - 1 - position));
    if (newline >= 0) {
      yield chunk.subarray(from, newline + 1);
      return;
    }
    yield chunk.subarray(from);
    finishing = true;
    position += chunk.length;
  }
}

/** Cuts a file of `size` bytes into ranges of about `rangeSize` bytes. */
export function planByteRanges(size: number, rangeSize: number): ByteRange[] {
  const ranges: ByteRange[] = [];
  for (let start = 0; start < size; start += rangeSize)
    ranges.push({ start, end: Math.min(size, start + rangeSize) });
  return ranges;
}

/** The header line of a file (without its newline and any UTF-8 BOM), read from the file's first bytes. */
export function headerLine(firstBytes: Uint8Array, file: string): Uint8Array {
  if (isGzip(firstBytes)) {
    throw new IngestError("MALFORMED_CSV", "a gzip file cannot be split into byte ranges: ingest it whole", {
      file,
    });
  }
  const newline = firstBytes.indexOf(LF);
  if (newline < 0)
    throw new IngestError("MALFORMED_CSV", "no complete header line in the first bytes of the file", {
      file,
      line: 1,
    });
  return firstBytes.subarray(utf8BomLength(firstBytes), newline + 1);
}

/**
 * Ingests the lines of one byte range into a cube of its own, to be merged with the other ranges'.
 * The reject ratio is the whole file's business, so a range never fails on it. Line numbers in the
 * rejects of a range after the first count from its first line as line 2 (after the header).
 */
export async function ingestRange(
  input: AsyncIterable<Uint8Array>,
  range: ByteRange,
  header: Uint8Array,
  options: IngestOptions,
): Promise<IngestReport> {
  async function* withHeader(): AsyncGenerator<Uint8Array> {
    // The first range owns the file's own header line; later ranges borrow it.
    if (range.start > 0) yield header;
    yield* rangeLines(input, range);
  }
  try {
    return await ingest(withHeader(), { ...options, rejectRatio: 1 });
  } catch (error) {
    // A range may hold no line at all (a small file cut into many ranges): that is an empty part.
    if (!(error instanceof IngestError) || error.code !== "HEADER_ONLY") throw error;
    return {
      file: options.file,
      format: "csv",
      headers: (error.details.headers as string[] | undefined) ?? [],
      schemes: [],
      rows: 0,
      accepted: 0,
      rejected: 0,
      firstRejects: [],
      lines: 1,
      cube: Cube.empty({ breadthDimension: options.breadthDimension }),
    };
  }
}
