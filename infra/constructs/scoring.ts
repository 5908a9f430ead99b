import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { BlobKeys } from "#store/blob-store.ts";
import { SEGMENT_SNAPSHOTS_PREFIX } from "#store/segment-snapshots.ts";
import { type DataStore, READ_WRITE_ACTIONS } from "./data-store.ts";
import { SegmentFocusFunction } from "./segment-focus-function.ts";
import type { WorkQueue } from "./work-queue.ts";

/** How long one scoring run may take. */
export const SCORE_TIMEOUT = Duration.minutes(10);

export interface ScoringProps {
  readonly store: DataStore;
  /** Where the bucket announces new partials and rescore triggers. */
  readonly queue: WorkQueue;
}

/** The score function: a scoring run over all partials (scores, decisions, snapshots) for the events of its queue. */
export class Scoring extends Construct {
  readonly function: SegmentFocusFunction;

  constructor(scope: Construct, id: string, { store, queue }: ScoringProps) {
    super(scope, id);
    this.function = new SegmentFocusFunction(this, "ScoreFunction", {
      handlerFolder: "score",
      description: "segment-focus scoring run: all partials → scores, decisions, snapshots",
      memorySize: 2048,
      timeout: SCORE_TIMEOUT,
      // One run at a time: a run deletes the snapshots of earlier runs.
      reservedConcurrentExecutions: 1,
      environment: store.environment,
    });
    store.grantObjects(this.function, ["s3:GetObject"], `${BlobKeys.partialsPrefix}*`);
    store.grantObjects(this.function, ["s3:PutObject", "s3:DeleteObject"], `${SEGMENT_SNAPSHOTS_PREFIX}*`);
    store.grantListing(this.function, BlobKeys.partialsPrefix, SEGMENT_SNAPSHOTS_PREFIX);
    store.grantItems(this.function, READ_WRITE_ACTIONS, { withListIndex: true });
    // A burst of new partials (or a policy change among them) makes one scoring run, not one each.
    this.function.addEventSource(
      new SqsEventSource(queue, { batchSize: 100, maxBatchingWindow: Duration.seconds(20) }),
    );
  }
}
