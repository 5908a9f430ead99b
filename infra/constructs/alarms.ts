import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

export interface AlarmsProps {
  /** Whom the alarm topic emails, if anyone. */
  readonly email?: string;
  /** The dead-letter queues, by the name of the events they hold. */
  readonly deadLetters: Readonly<Record<string, IQueue>>;
  /** The functions, by name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly distributedIngest: IStateMachine;
}

/**
 * An SNS topic (emailed with the context flag alarmEmail) told of anything that needs a person: events
 * in a dead-letter queue, a function's errors, a failed distributed ingest. Each counts over 5 minutes.
 */
export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, "Alarms", { enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const period = Duration.minutes(5);
    for (const [name, deadLetters] of Object.entries(props.deadLetters)) {
      this.alarm(
        `${name}DeadLettersAlarm`,
        deadLetters.metricApproximateNumberOfMessagesVisible({ period }),
        `${name} events that failed three times wait in the dead-letter queue`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}ErrorsAlarm`, fn.metricErrors({ period }), `the ${name} function failed`);
    }
    this.alarm(
      "DistributedIngestFailedAlarm",
      props.distributedIngest.metricFailed({ period }),
      "a distributed ingest failed after its retries",
    );
  }

  /** An alarm as soon as the metric reaches 1 in a period; no data is no alarm. */
  private alarm(id: string, metric: IMetric, description: string): void {
    new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    }).addAlarmAction(new SnsAction(this.topic));
  }
}
