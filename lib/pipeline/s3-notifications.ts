import type { S3Event, SQSEvent } from "aws-lambda";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";

/**
 * The objects an event announces: S3 notifications delivered directly, or wrapped one per message in
 * an SQS event (how the stack routes them, for retries and a dead-letter queue). S3's test event and
 * anything else are ignored. Keys arrive URL-encoded, with + for a space.
 */
export function announcedObjects(
  event: S3Event | SQSEvent,
): Array<UploadedObject & { readonly messageId?: string }> {
  const objects: Array<UploadedObject & { messageId?: string }> = [];
  for (const record of event.Records ?? []) {
    if ("s3" in record) {
      if (isObjectCreated(record)) objects.push(objectOf(record));
      continue;
    }
    if (!("body" in record)) continue;
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      continue;
    }
    const inners: unknown = (body as Partial<S3Event> | null)?.Records;
    if (!Array.isArray(inners)) continue;
    for (const inner of inners as Array<S3Event["Records"][number] | null>) {
      if (inner?.s3 && isObjectCreated(inner))
        objects.push({ ...objectOf(inner), messageId: record.messageId });
    }
  }
  return objects;
}

function isObjectCreated(record: S3Event["Records"][number]): boolean {
  return record.eventName?.startsWith("ObjectCreated") ?? false;
}

/** The upload a record announces; its version id (a versioned bucket) and sequencer tell it from other uploads of the key. */
function objectOf(record: S3Event["Records"][number]): UploadedObject {
  const { key, size, eTag, versionId, sequencer } = record.s3.object;
  return {
    key: decodeURIComponent(key.replaceAll("+", " ")),
    size: size ?? 0,
    etag: (eTag ?? "").replaceAll('"', ""),
    ...(versionId && { versionId }),
    ...(sequencer && { sequencer }),
  };
}
