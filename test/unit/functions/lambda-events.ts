import type { S3Event, S3EventRecord, SQSEvent } from "aws-lambda";

export interface AnnouncedObject {
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  /** Present for a versioned bucket. */
  readonly versionId?: string;
  readonly sequencer?: string;
}

/** The notification S3 sends for a created object (its key URL-encoded, + for a space, as S3 writes it). */
export function objectCreated(object: AnnouncedObject): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "eu-west-1",
    eventTime: "2024-06-15T02:00:00.000Z",
    eventName: "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:ERP" },
    requestParameters: { sourceIPAddress: "10.0.0.1" },
    responseElements: { "x-amz-request-id": "R1", "x-amz-id-2": "I2" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "incoming",
      bucket: {
        name: "segfocus-test",
        ownerIdentity: { principalId: "O" },
        arn: "arn:aws:s3:::segfocus-test",
      },
      object: {
        key: encodeURIComponent(object.key).replaceAll("%2F", "/").replaceAll("%20", "+"),
        size: object.size,
        eTag: object.eTag,
        ...(object.versionId && { versionId: object.versionId }),
        sequencer: object.sequencer ?? "0A",
      },
    },
  };
}

/** S3 notifications delivered straight to the function. */
export function s3Event(...objects: AnnouncedObject[]): S3Event {
  return { Records: objects.map(objectCreated) };
}

/** S3 notifications delivered through SQS, one per message, with the given message ids. */
export function sqsEvent(...messages: ReadonlyArray<readonly [string, AnnouncedObject]>): SQSEvent {
  return {
    Records: messages.map(([messageId, object]) => ({
      messageId,
      receiptHandle: `handle-${messageId}`,
      body: JSON.stringify({ Records: [objectCreated(object)] }),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "1718416800000",
        SenderId: "s3.amazonaws.com",
        ApproximateFirstReceiveTimestamp: "1718416800001",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:segfocus-ingest",
      awsRegion: "eu-west-1",
    })),
  };
}
