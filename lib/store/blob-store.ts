/** Object storage as the pipeline needs it; S3 in AWS and locally (s3rver). */
export interface BlobStore {
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Streams a body of unknown length (a multipart upload under the hood). */
  putStream(key: string, body: AsyncIterable<Uint8Array>, contentType?: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /**
   * Streams the object, or the byte range [start, end) of it; pinned to one upload by `versionId` or
   * `ifMatch`, it throws ObjectSuperseded when the key holds other content now (ifMatch only: a
   * version, once written, is never replaced).
   */
  getStream(key: string, options?: ReadOptions): Promise<AsyncIterable<Uint8Array>>;
  head(key: string): Promise<BlobInfo | undefined>;
  list(prefix: string): Promise<BlobInfo[]>;
  delete(key: string): Promise<void>;
  /** A URL that accepts one HTTP PUT of the object's body until it expires. */
  presignPut(key: string, expiresInSeconds: number): Promise<string>;
}

/** Which bytes of which content a read takes: S3's Range, VersionId and If-Match. */
export interface ReadOptions {
  /** The first byte read; 0 when absent. */
  readonly start?: number;
  /** One past the last byte read; the object's end when absent. */
  readonly end?: number;
  /** This version of the object, in a versioned bucket. */
  readonly versionId?: string;
  /** Only while the object still has this entity tag (without quotes). */
  readonly ifMatch?: string;
}

/**
 * A read pinned to an entity tag found other content under the key (S3's 412 Precondition Failed):
 * a newer upload replaced the one being read, and that upload's own ingest will settle its batch.
 */
export class ObjectSuperseded extends Error {
  override readonly name = "ObjectSuperseded";

  /** The failed read of `key` pinned to entity tag `etag`. */
  static at(key: string, etag: string): ObjectSuperseded {
    return new ObjectSuperseded(
      `${key} no longer holds the upload with entity tag ${etag}: a newer upload replaced it`,
    );
  }
}

export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  /** The object's entity tag, without quotes: a content fingerprint for single-part uploads. */
  readonly etag: string;
}

/** Where each kind of object lives in the bucket. */
export const BlobKeys = {
  incomingPrefix: "incoming/",
  incoming: (batchId: string, fileName: string) => `incoming/${batchId}/${fileName}`,
  partial: (batchId: string) => `partials/${batchId}.cube`,
  partialsPrefix: "partials/",
  rejects: (batchId: string) => `quarantine/${batchId}/rejects.ndjson`,
  quarantinePrefix: "quarantine/",
  /** Writing it asks for a scoring run (a policy or a force of change changed); its event starts one. */
  rescoreTrigger: "triggers/rescore.json",
  triggersPrefix: "triggers/",
} as const;

/** The batch id and file name of an `incoming/{batchId}/{fileName}` key, or undefined for any other key. */
export function parseIncomingKey(key: string): { batchId: string; fileName: string } | undefined {
  const match = /^incoming\/([^/]+)\/(.+)$/.exec(key);
  if (!match) return undefined;
  return { batchId: match[1] as string, fileName: match[2] as string };
}
