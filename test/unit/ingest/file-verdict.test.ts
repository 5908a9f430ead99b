import { describe, expect, it } from "vitest";
import { assertFileAccepted, DEFAULT_REJECT_RATIO } from "#ingest/file-verdict.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import type { Reject } from "#ingest/reject.ts";

const HEADERS = ["transaction_id", "date", "revenue"];

function badRevenue(line: number): Reject {
  return { line, column: "revenue", value: "n/a", reason: "not a number" };
}

function verdict(rows: number, rejected: number, rejectRatio?: number): IngestError | undefined {
  const firstRejects = Array.from({ length: rejected }, (_, i) => badRevenue(i + 2));
  try {
    assertFileAccepted({ file: "orders.csv", headers: HEADERS, rows, rejected, firstRejects, rejectRatio });
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  return undefined;
}

describe("assertFileAccepted", () => {
  it("fails a file with a header but no rows, naming its headers", () => {
    const error = verdict(0, 0);

    expect(error?.code).toBe("HEADER_ONLY");
    expect(error?.details).toEqual({ file: "orders.csv", line: 1, headers: HEADERS });
  });

  it("accepts rejects up to the ratio, 5% unless told otherwise", () => {
    expect(DEFAULT_REJECT_RATIO).toBe(0.05);
    expect(verdict(100, 5)).toBeUndefined();
    expect(verdict(100, 50, 0.5)).toBeUndefined();
  });

  it("fails a file past the ratio with the share, the limit and its first three problems", () => {
    const error = verdict(100, 6);

    expect(error?.code).toBe("REJECT_RATIO_EXCEEDED");
    expect(error?.message).toMatch(/^6 of 100 rows \(6\.0%\) were rejected, more than the 5\.0% allowed/);
    expect(error?.message.match(/line \d+/g)).toEqual(["line 2", "line 3", "line 4"]);
    expect(error?.details).toMatchObject({ file: "orders.csv", rows: 100, rejected: 6, rejectRatio: 0.05 });
  });

  it("fails on any reject when the ratio is 0", () => {
    expect(verdict(1000, 1, 0)?.code).toBe("REJECT_RATIO_EXCEEDED");
    expect(verdict(1000, 0, 0)).toBeUndefined();
  });
});
