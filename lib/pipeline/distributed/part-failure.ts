import { IngestError, type IngestErrorCode } from "#ingest/ingest-error.ts";
import type { PartOutcome } from "#pipeline/distributed/part.ts";

/**
 * A part's failure as the file's: which part and bytes, and the line counted from the file's start.
 *
 * A quoted field open where a part that is not the last one ends has two possible causes, which
 * that part cannot tell apart: a closing quote is missing, or a quoted field holds a line break
 * and the cut fell inside it (ranges are cut at line ends; telling a line end inside quotes from
 * one outside needs the whole file before it, which no part has). The second is a valid file, read
 * whole fine, so the message names both and says how to have it read whole: gzip, which is never
 * split. Only a quote problem is explained so; line 1, the header, is the same in every part.
 */
export function partFailure(
  part: Extract<PartOutcome, { code: IngestErrorCode }>,
  linesBefore: number,
  partCount: number | undefined,
): IngestError {
  const { range } = part.part;
  if (!range) return new IngestError(part.code, part.message, part.details);
  const partLine = typeof part.details.line === "number" ? part.details.line : undefined;
  const line = partLine === undefined ? undefined : partLine + linesBefore;
  const where = `part ${part.part.index + 1}${partCount ? ` of ${partCount}` : ""} (bytes ${range.start}–${range.end})`;
  const cutInsideQuotes =
    part.code === "MALFORMED_CSV" &&
    partLine !== undefined &&
    partLine > 1 &&
    partCount !== undefined &&
    part.part.index < partCount - 1;
  return new IngestError(
    part.code,
    `${where}: ${part.message}${line === undefined ? "" : ` (that part's line ${partLine} is line ${line} of the file)`}${
      cutInsideQuotes
        ? `. If quoted fields in this file contain line breaks, it cannot be split into parts at line ends: send it gzip-compressed (.csv.gz), which is read whole; otherwise close the quote on line ${line} and send the file again`
        : ""
    }`,
    { ...part.details, line, byteRange: range },
  );
}
