import { createHash } from "node:crypto";
import { type BlobInfo, type BlobStore, ObjectSuperseded, type ReadOptions } from "#store/blob-store.ts";

interface StoredBlob {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

/** What S3 announces for an upload: a version id in a versioned bucket, a sequencer always. */
export interface AnnouncedUpload {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly sequencer: string;
}

/**
 * A bucket in memory that remembers every write, for the pipeline's specifications. Versioned, it
 * keeps every upload's bytes under a version id, as the AWS bucket does; unversioned, as s3rver,
 * only the latest, and a read pinned to an older entity tag fails as S3's If-Match does.
 */
export class MemoryBlobStore implements BlobStore {
  readonly bucket = "segfocus-test";
  readonly objects = new Map<string, StoredBlob>();
  /** Every upload's bytes by key and version id, in a versioned bucket. */
  readonly versions = new Map<string, StoredBlob>();
  /** Every read of a stream, as asked for. */
  readonly streamReads: Array<{ key: string } & ReadOptions> = [];
  /** Keys in the order they were written. */
  readonly writes: string[] = [];
  /** Faults to raise instead of doing the operation. */
  readonly faults: { getStream?: Error; midStream?: Error; put?: Error; putStream?: Error } = {};

  private uploads = 0;

  constructor(private readonly options: { readonly versioned?: boolean } = {}) {}

  /** Stores an object as an upload would, returning what S3 would announce for it. */
  upload(key: string, body: string | Uint8Array): AnnouncedUpload {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body.slice();
    const stored = { bytes, contentType: "text/csv", etag: md5(bytes) };
    this.objects.set(key, stored);
    const sequencer = (++this.uploads).toString(16).toUpperCase().padStart(16, "0");
    if (!this.options.versioned) return { key, size: bytes.length, etag: stored.etag, sequencer };
    const versionId = `v${this.uploads}`;
    this.versions.set(`${key}?versionId=${versionId}`, stored);
    return { key, size: bytes.length, etag: stored.etag, versionId, sequencer };
  }

  text(key: string): string | undefined {
    const object = this.objects.get(key);
    return object && new TextDecoder().decode(object.bytes);
  }

  async put(key: string, body: Uint8Array | string, contentType = "application/octet-stream"): Promise<void> {
    if (this.faults.put) throw this.faults.put;
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(key, { bytes, contentType, etag: md5(bytes) });
    this.writes.push(key);
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array>,
    contentType = "application/octet-stream",
  ): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) {
      // Like a multipart upload whose first part is refused: the fault comes while the body still flows.
      if (this.faults.putStream) throw this.faults.putStream;
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    this.objects.set(key, { bytes, contentType, etag: md5(bytes) });
    this.writes.push(key);
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.bytes.slice();
  }

  async getStream(key: string, options: ReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    this.streamReads.push({ key, ...options });
    if (this.faults.getStream) throw this.faults.getStream;
    const object =
      options.versionId === undefined
        ? this.objects.get(key)
        : this.versions.get(`${key}?versionId=${options.versionId}`);
    if (!object) throw Object.assign(new Error(`NoSuchKey: ${key}`), { name: "NoSuchKey" });
    if (options.ifMatch !== undefined && options.ifMatch !== object.etag)
      throw ObjectSuperseded.at(key, options.ifMatch);
    return chunksArrivingLikeNetworkReads(
      object.bytes.slice(options.start ?? 0, options.end),
      this.faults.midStream,
    );
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const object = this.objects.get(key);
    return object && { key, size: object.bytes.length, etag: object.etag };
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, object]) => ({ key, size: object.bytes.length, etag: object.etag }));
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async presignPut(key: string, expiresInSeconds: number): Promise<string> {
    return `memory://${this.bucket}/${key}?expires=${expiresInSeconds}`;
  }
}

/** 64-byte chunks, each after a turn of the event loop, as a socket delivers them; `breaks` ends it after the first. */
async function* chunksArrivingLikeNetworkReads(
  bytes: Uint8Array,
  breaks?: Error,
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 64) {
    await new Promise((resolve) => setImmediate(resolve));
    if (breaks && at > 0) throw breaks;
    yield bytes.slice(at, at + 64);
  }
}

function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** The score repository in memory, with the adapter's semantics: a write counts a segment only when its content changed. */
