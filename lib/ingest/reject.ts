/** A row that was not applied, and why: enough for the sender to find and fix it. */
export interface Reject {
  /** 1-based line of the file where the row starts (the header is line 1 of a CSV file). */
  readonly line: number;
  /** The file's own name for the offending column, or null when the row as a whole is wrong. */
  readonly column: string | null;
  /** The offending text as found, cut to 200 characters. */
  readonly value: string;
  readonly reason: string;
}

export const MAX_REJECT_VALUE_LENGTH = 200;

export function describeReject(reject: Reject): string {
  const where =
    reject.column === null ? `line ${reject.line}` : `line ${reject.line}, column ${reject.column}`;
  return `${where}: ${reject.reason}${reject.value === "" ? "" : ` (found "${reject.value}")`}`;
}
