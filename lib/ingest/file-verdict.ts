import { IngestError } from "#ingest/ingest-error.ts";
import { describeReject, type Reject } from "#ingest/reject.ts";

/** Share of rejected rows past which the batch fails whole. */
export const DEFAULT_REJECT_RATIO = 0.05;

/** What reading a file to its end counted, whole or as the merge of its parts. */
export interface FileTally {
  readonly file: string;
  readonly headers: readonly string[];
  /** Data rows read (accepted + rejected). */
  readonly rows: number;
  readonly rejected: number;
  readonly firstRejects: readonly Reject[];
  /** Absent: DEFAULT_REJECT_RATIO. */
  readonly rejectRatio?: number;
}

/**
 * The verdict on a file read to its end: one with a header but no rows, or with more rejected rows
 * than the reject ratio allows, fails whole (an IngestError that says what to fix), so nothing from
 * it is ever half-applied.
 */
export function assertFileAccepted({
  file,
  headers,
  rows,
  rejected,
  firstRejects,
  rejectRatio,
}: FileTally): void {
  if (rows === 0) {
    throw new IngestError(
      "HEADER_ONLY",
      "the file has a header but no rows: export the invoice lines under it",
      { file, line: 1, headers },
    );
  }
  const ratio = rejectRatio ?? DEFAULT_REJECT_RATIO;
  if (rejected / rows > ratio) {
    const share = ((rejected / rows) * 100).toFixed(1);
    throw new IngestError(
      "REJECT_RATIO_EXCEEDED",
      `${rejected} of ${rows} rows (${share}%) were rejected, more than the ${(ratio * 100).toFixed(1)}% allowed, so nothing from this file was applied. First problems: ${firstRejects
        .slice(0, 3)
        .map(describeReject)
        .join("; ")}`,
      { file, rows, rejected, rejectRatio: ratio, firstRejects },
    );
  }
}
