/** Object storage as the pipeline needs it; S3 in AWS and locally (s3rver). */
export interface BlobStore {
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Streams a body of unknown length (a multipart upload under the hood). */
  putStream(key: string, body: AsyncIterable<Uint8Array>, contentType?: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Streams the object, or the byte range [start, end) of it. */
  getStream(
    key: string,
    range?: { readonly start: number; readonly end: number },
  ): Promise<AsyncIterable<Uint8Array>>;
  head(key: string): Promise<BlobInfo | undefined>;
  list(prefix: string): Promise<BlobInfo[]>;
  delete(key: string): Promise<void>;
  /** A URL that accepts one HTTP PUT of the object's body until it expires. */
  presignPut(key: string, expiresInSeconds: number): Promise<string>;
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
