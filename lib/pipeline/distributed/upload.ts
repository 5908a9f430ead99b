import { createHash } from "node:crypto";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { type BlobStore, parseIncomingKey, type ReadOptions } from "#store/blob-store.ts";

/**
 * The upload a step works on. Every read of it, by the plan and by each part, is pinned to the one
 * upload the event announced: its S3 version, or, where there is none (an unversioned bucket,
 * s3rver), its entity tag (If-Match). Without the pin, a file sent again under the same key while
 * the map runs would give later parts the new bytes at the old offsets. A pinned read that finds
 * newer content (412) makes the step record that the upload was superseded and leave the batch to
 * the newer upload's ingest.
 */

/** Enough of a file's first bytes to hold its header line and tell its format. */
const HEADER_PROBE_BYTES = 1024 * 1024;

/**
 * What tells one upload from another under the same key: its version id or, in a bucket without
 * versions, its entity tag and S3's sequencer. A redelivered event keeps it; a file sent again —
 * even with the same content — gets a new one.
 */
export function uploadIdentity(object: UploadedObject): string {
  return object.versionId === undefined
    ? `etag ${object.etag} sequencer ${object.sequencer ?? ""}`
    : `version ${object.versionId}`;
}

/** The upload's identity as 32 hex digits, fit for an object key. */
export function uploadId(object: UploadedObject): string {
  return createHash("sha256").update(uploadIdentity(object)).digest("hex").slice(0, 32);
}

/** How to read exactly this upload, whatever is written under its key later: its version, or its entity tag. */
export function pinnedTo(object: UploadedObject): Pick<ReadOptions, "versionId" | "ifMatch"> {
  return object.versionId === undefined ? { ifMatch: object.etag } : { versionId: object.versionId };
}

/** The first bytes of exactly this upload: enough to hold its header line and tell its format. */
export async function firstBytesOf(blobs: BlobStore, object: UploadedObject): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await blobs.getStream(object.key, {
    start: 0,
    end: Math.min(object.size, HEADER_PROBE_BYTES),
    ...pinnedTo(object),
  })) {
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The batch an upload under incoming/{batchId}/ belongs to. */
export function batchIdOf(object: UploadedObject): string {
  const location = parseIncomingKey(object.key);
  if (!location) throw new Error(`${object.key} is not an upload under incoming/{batchId}/`);
  return location.batchId;
}
