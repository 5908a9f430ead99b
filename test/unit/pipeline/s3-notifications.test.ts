import type { S3Event, S3EventRecord, SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { announcedObjects } from "#pipeline/s3-notifications.ts";

/** An S3 event record as S3 writes it: the key URL-encoded with + for a space, the entity tag quoted or not. */
function s3Record(
  key: string,
  options: { eventName?: string; size?: number; eTag?: string; versionId?: string; sequencer?: string } = {},
): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "eu-west-1",
    eventTime: "2024-06-15T02:00:00.000Z",
    eventName: options.eventName ?? "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:ERP" },
    requestParameters: { sourceIPAddress: "10.0.0.1" },
    responseElements: { "x-amz-request-id": "R1", "x-amz-id-2": "I2" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "incoming",
      bucket: { name: "segfocus", ownerIdentity: { principalId: "O" }, arn: "arn:aws:s3:::segfocus" },
      object: {
        key,
        size: options.size ?? 100,
        eTag: options.eTag ?? "5d41402abc4b2a76b9719d911017c592",
        ...(options.versionId && { versionId: options.versionId }),
        sequencer: options.sequencer ?? "0A",
      },
    },
  };
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
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
  };
}

const s3Event = (...records: S3EventRecord[]): S3Event => ({ Records: records });
const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const wrapped = (...records: S3EventRecord[]) => JSON.stringify({ Records: records });

describe("announcedObjects", () => {
  it("reads the objects of an S3 notification delivered directly, with their size and bare entity tag", () => {
    const objects = announcedObjects(
      s3Event(
        s3Record("incoming/b-1/orders.csv", { size: 2048, eTag: '"aa11"' }),
        s3Record("incoming/b-2/orders.csv.gz", { size: 512, eTag: "bb22" }),
      ),
    );

    expect(objects).toEqual([
      { key: "incoming/b-1/orders.csv", size: 2048, etag: "aa11", sequencer: "0A" },
      { key: "incoming/b-2/orders.csv.gz", size: 512, etag: "bb22", sequencer: "0A" },
    ]);
  });

  it("carries the upload's version id (a versioned bucket) and sequencer, which tell one upload of a key from another", () => {
    const record = (sequencer: string, versionId?: string) =>
      s3Record("incoming/b-1/orders.csv", { eTag: "aa11", sequencer, versionId });

    const direct = announcedObjects(s3Event(record("0055AED6DCD90281E5", "3HL4kqtJlcpXroDTDmJ")));
    const viaSqs = announcedObjects(sqsEvent(sqsRecord("m-1", wrapped(record("0055AED6DCD90281E6")))));

    expect(direct).toEqual([
      {
        key: "incoming/b-1/orders.csv",
        size: 100,
        etag: "aa11",
        versionId: "3HL4kqtJlcpXroDTDmJ",
        sequencer: "0055AED6DCD90281E5",
      },
    ]);
    expect(viaSqs).toEqual([
      {
        key: "incoming/b-1/orders.csv",
        size: 100,
        etag: "aa11",
        sequencer: "0055AED6DCD90281E6",
        messageId: "m-1",
      },
    ]);
    expect("versionId" in (viaSqs[0] ?? {})).toBe(false);
  });

  it("reads S3 notifications wrapped in SQS messages, each object with its message id", () => {
    const objects = announcedObjects(
      sqsEvent(
        sqsRecord("m-1", wrapped(s3Record("incoming/b-1/orders.csv", { eTag: "aa11" }))),
        sqsRecord(
          "m-2",
          wrapped(
            s3Record("incoming/b-2/a.csv", { eTag: "bb22" }),
            s3Record("incoming/b-3/b.csv", { eTag: "cc33" }),
          ),
        ),
      ),
    );

    expect(objects).toEqual([
      { key: "incoming/b-1/orders.csv", size: 100, etag: "aa11", sequencer: "0A", messageId: "m-1" },
      { key: "incoming/b-2/a.csv", size: 100, etag: "bb22", sequencer: "0A", messageId: "m-2" },
      { key: "incoming/b-3/b.csv", size: 100, etag: "cc33", sequencer: "0A", messageId: "m-2" },
    ]);
  });

  it("decodes keys, reading + as a space and %2B as a plus", () => {
    const direct = announcedObjects(s3Event(s3Record("incoming/b-1/June+sales+%2B+returns%C3%A9.csv")));
    const viaSqs = announcedObjects(
      sqsEvent(sqsRecord("m-1", wrapped(s3Record("incoming/b+2/Q2%2F2024+%25+done.csv")))),
    );

    expect(direct.map((object) => object.key)).toEqual(["incoming/b-1/June sales + returnsé.csv"]);
    expect(viaSqs.map((object) => object.key)).toEqual(["incoming/b 2/Q2/2024 % done.csv"]);
  });

  it("counts an object whose notification has no size as empty", () => {
    const record = s3Record("incoming/b-1/orders.csv");
    const { size: _, ...object } = record.s3.object;

    expect(announcedObjects(s3Event({ ...record, s3: { ...record.s3, object: object as never } }))).toEqual([
      { key: "incoming/b-1/orders.csv", size: 0, etag: "5d41402abc4b2a76b9719d911017c592", sequencer: "0A" },
    ]);
  });

  it("ignores S3's test event, a body that is not JSON, and JSON that is no S3 notification", () => {
    const testEvent = JSON.stringify({
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: "2024-06-15T02:00:00.000Z",
      Bucket: "segfocus",
      RequestId: "R1",
      HostId: "H1",
    });

    const objects = announcedObjects(
      sqsEvent(
        sqsRecord("m-test", testEvent),
        sqsRecord("m-text", "not json at all"),
        sqsRecord("m-other", JSON.stringify({ hello: "world" })),
        sqsRecord("m-null", "null"),
        sqsRecord("m-odd", JSON.stringify({ Records: "none" })),
        sqsRecord("m-real", wrapped(s3Record("incoming/b-1/orders.csv"))),
      ),
    );

    expect(objects.map((object) => object.messageId)).toEqual(["m-real"]);
  });

  it("ignores notifications of anything but a created object, however they arrive", () => {
    const removed = s3Record("incoming/b-1/orders.csv", { eventName: "ObjectRemoved:Delete" });
    const restored = s3Record("incoming/b-1/orders.csv", { eventName: "ObjectRestore:Completed" });
    const created = s3Record("incoming/b-2/orders.csv", {
      eventName: "ObjectCreated:CompleteMultipartUpload",
    });

    expect(announcedObjects(s3Event(removed, restored, created)).map((object) => object.key)).toEqual([
      "incoming/b-2/orders.csv",
    ]);
    expect(
      announcedObjects(sqsEvent(sqsRecord("m-1", wrapped(removed, restored, created)))).map(
        (object) => object.key,
      ),
    ).toEqual(["incoming/b-2/orders.csv"]);
  });

  it("announces nothing for an event without records", () => {
    expect(announcedObjects({} as S3Event)).toEqual([]);
    expect(announcedObjects(sqsEvent())).toEqual([]);
  });
});
