import type { BatchRecord } from "#cli/batch-api.ts";
import { describeReject } from "#ingest/reject.ts";

/** The batch's counts and first rejects, as `push --wait` prints them. */
export function batchSummary(batch: BatchRecord): string {
  const accepted = (batch.accepted ?? 0).toLocaleString("en-US");
  const rejected = (batch.rejected ?? 0).toLocaleString("en-US");
  return `batch ${batch.batchId}: ${batch.status}, ${accepted} lines accepted, ${rejected} rejected\n${rejectList(batch)}`;
}

/** Why the batch failed, and what to do about it. */
export function failureReport(batch: BatchRecord): string {
  const error = batch.error;
  const advice = error?.retryable
    ? "the service failed, not the file: push again (the same batch id makes that safe)"
    : "fix the file and push it again; the scores from earlier batches are unchanged";
  return `batch ${batch.batchId} failed: ${error ? `${error.code}: ${error.message}` : "no reason given"}\n${rejectList(batch)}${advice}`;
}

function rejectList(batch: BatchRecord): string {
  const rejects = batch.firstRejects ?? [];
  if (rejects.length === 0) return "";
  const shown = rejects.slice(0, 10);
  return `first rejects:\n${shown.map((reject) => `  ${describeReject(reject)}\n`).join("")}`;
}
