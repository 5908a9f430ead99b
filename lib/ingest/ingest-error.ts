/** What went wrong with a batch as a whole, in words the sender can act on. */
export type IngestErrorCode =
  | "EMPTY_FILE"
  | "HEADER_ONLY"
  | "NOT_UTF8"
  | "UNSUPPORTED_ENCODING"
  | "UNSUPPORTED_ARCHIVE"
  | "TRUNCATED_GZIP"
  | "CORRUPT_GZIP"
  | "MALFORMED_CSV"
  | "MALFORMED_NDJSON"
  | "INVALID_MAPPING"
  | "MISSING_COLUMN"
  | "DUPLICATE_COLUMN"
  | "UNKNOWN_DIMENSION"
  | "REJECT_RATIO_EXCEEDED";

export interface IngestErrorDetails {
  readonly file: string;
  readonly line?: number;
  readonly column?: string;
  readonly [key: string]: unknown;
}

/** A batch that cannot be applied; nothing of it is kept. */
export class IngestError extends Error {
  override readonly name = "IngestError";

  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly details: IngestErrorDetails,
  ) {
    super(message);
  }
}
