import { Duration } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

export interface WorkQueueProps {
  /** The timeout of the function that consumes the queue. */
  readonly consumerTimeout: Duration;
}

/**
 * A queue of events for one function, with a dead-letter queue (`${id}DeadLetters`, next to it) that
 * keeps an event after three failed receives.
 */
export class WorkQueue extends Queue {
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    const deadLetters = new Queue(scope, `${id}DeadLetters`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as AWS advises for SQS event sources (throttled retries).
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
    });
    this.deadLetters = deadLetters;
  }
}
