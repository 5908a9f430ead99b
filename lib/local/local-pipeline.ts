import { ingestBatch, type ObjectIngester, type UploadedObject } from "#pipeline/ingest-batch.ts";
import { runScoring } from "#pipeline/score-run.ts";
import { BlobKeys } from "#store/blob-store.ts";
import type { ServiceContext } from "#store/service-context.ts";

/**
 * What S3 event notifications, SQS and the Lambda service do in AWS, on one machine: an object
 * created under incoming/ is ingested (one file at a time: a big file already uses every core), and
 * a batch that reaches "aggregated" schedules a scoring run, as its partial's event does in AWS. Runs
 * never overlap; a batch aggregated during a run schedules exactly one more, so the last run always
 * sees every partial.
 */
export class LocalPipeline {
  private ingests: Promise<void> = Promise.resolve();
  private scoring: Promise<void> | undefined;
  private scoreAgain = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly context: ServiceContext,
    private readonly log: (line: string) => void,
    private readonly ingestObject?: ObjectIngester,
  ) {}

  announce(object: UploadedObject): void {
    if (object.key.startsWith(BlobKeys.incomingPrefix)) this.enqueueIngest(object);
    else if (object.key.startsWith(BlobKeys.triggersPrefix)) this.scheduleScoring();
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueueIngest(object: UploadedObject): void {
    this.ingests = this.ingests.then(() => this.ingest(object));
    this.track(this.ingests);
  }

  private async ingest(object: UploadedObject): Promise<void> {
    try {
      const batch = await ingestBatch(this.context, object, this.ingestObject);
      if (!batch) return;
      if (batch.status === "aggregated") this.scheduleScoring();
      this.log(
        `batch ${batch.batchId}: ${batch.status}${batch.status === "failed" ? ` — ${batch.error?.message}` : `, ${batch.accepted ?? 0} lines, ${batch.rejected ?? 0} rejected`}`,
      );
    } catch (error) {
      this.log(`batch from ${object.key} failed: ${(error as Error).message}`);
    }
  }

  private scheduleScoring(): void {
    if (this.scoring) {
      this.scoreAgain = true;
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.scoreAgain = false;
        try {
          const result = await runScoring(this.context);
          this.log(
            `scored ${result.batchIds.length} batch(es): ${result.segmentsWritten} segments changed, ${result.segmentsUnchanged} unchanged, ${result.segmentsRemoved} removed (${result.timingsMs.merge} ms merging, ${result.timingsMs.score} ms scoring, ${result.timingsMs.write} ms writing)`,
          );
        } catch (error) {
          this.log(`scoring failed: ${(error as Error).message}`);
        }
      } while (this.scoreAgain);
      this.scoring = undefined;
    };
    this.scoring = run();
    this.track(this.scoring);
  }

  private track(work: Promise<void>): void {
    this.inFlight++;
    void work.finally(() => {
      if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }
}
