import { setTimeout as sleep } from "node:timers/promises";
import type { BatchApi, BatchRecord } from "#cli/batch-api.ts";
import type { UploadReceipt } from "#cli/upload.ts";

/**
 * Polls the batch until it is scored or has failed, or the time is up. Until the service has seen
 * this upload, the record may still describe an earlier one under the same id: it counts only once
 * it carries the tag of the uploaded content, or a service fault recorded after the upload (a fault
 * leaves the tag unchanged).
 */
export async function waitForBatch(
  api: BatchApi,
  batchId: string,
  receipt: UploadReceipt,
  timeoutSeconds: number,
): Promise<{ batch: BatchRecord; settled: boolean }> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let interval = 250;
  let reported: string | undefined;
  for (;;) {
    const batch = await api.getBatch(batchId);
    const current =
      receipt.etag === undefined ||
      batch.contentHash === receipt.etag ||
      (batch.error?.retryable === true && Date.parse(batch.updatedAt) >= receipt.at);
    if (current && (batch.status === "scored" || batch.status === "failed")) return { batch, settled: true };
    // "ingesting" can only be this upload's; an earlier one's record may still say "aggregated".
    const progress =
      batch.status === "ingesting"
        ? "ingesting…"
        : current && batch.status === "aggregated"
          ? "lines counted, scoring…"
          : undefined;
    if (progress !== undefined && progress !== reported) {
      reported = progress;
      process.stderr.write(`batch ${batchId}: ${progress}\n`);
    }
    const left = deadline - performance.now();
    if (left <= 0) return { batch, settled: false };
    await sleep(Math.min(interval, left));
    interval = Math.min(interval * 1.5, 5000);
  }
}
