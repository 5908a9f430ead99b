import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { BlobKeys } from "#store/blob-store.ts";
import { BATCH_STATUS_ACTIONS, type DataStore } from "./data-store.ts";
import type { DistributedIngest } from "./distributed-ingest.ts";
import { SegmentFocusFunction } from "./segment-focus-function.ts";
import type { WorkQueue } from "./work-queue.ts";

/** How long the ingest function may take over one upload. */
export const INGEST_TIMEOUT = Duration.minutes(15);

export interface IngestProps {
  readonly store: DataStore;
  /** Where the bucket announces uploads under incoming/. */
  readonly queue: WorkQueue;
  /** Takes over uploads of at least `thresholdBytes`. */
  readonly distributedIngest: DistributedIngest;
  readonly thresholdBytes: number;
}

/**
 * The ingest function, which turns each upload under incoming/ into its batch's partial cube, one
 * event of its queue at a time; it hands big uploads to the distributed ingest.
 */
export class Ingest extends Construct {
  readonly function: SegmentFocusFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { store } = props;
    this.function = new SegmentFocusFunction(this, "IngestFunction", {
      handlerFolder: "ingest",
      description: "segment-focus ingest: an upload under incoming/ → its batch's partial cube",
      memorySize: 2048,
      timeout: INGEST_TIMEOUT,
      environment: { ...store.environment, SEGFOCUS_DISTRIBUTED_INGEST_BYTES: String(props.thresholdBytes) },
    });
    store.grantObjects(this.function, ["s3:GetObject"], `${BlobKeys.incomingPrefix}*`);
    store.grantObjects(this.function, ["s3:PutObject"], `${BlobKeys.partialsPrefix}*`);
    store.grantObjects(
      this.function,
      ["s3:PutObject", "s3:AbortMultipartUpload"],
      `${BlobKeys.quarantinePrefix}*`,
    );
    store.grantItems(this.function, BATCH_STATUS_ACTIONS);
    props.distributedIngest.letStart(this.function);
    this.function.addEventSource(
      new SqsEventSource(props.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
  }
}
