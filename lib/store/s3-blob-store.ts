import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type BlobInfo, type BlobStore, ObjectSuperseded, type ReadOptions } from "#store/blob-store.ts";

/** The BlobStore on S3 (and on s3rver locally, through the same client). */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array | string, contentType = "application/octet-stream"): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async putStream(
    key: string,
    body: AsyncIterable<Uint8Array>,
    contentType = "application/octet-stream",
  ): Promise<void> {
    await new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(body), ContentType: contentType },
    }).done();
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async getStream(key: string, options: ReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    const { start, end, versionId, ifMatch } = options;
    let response: GetObjectCommandOutput;
    try {
      response = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range:
            start === undefined && end === undefined
              ? undefined
              : `bytes=${start ?? 0}-${end === undefined ? "" : end - 1}`,
          VersionId: versionId,
          IfMatch: ifMatch === undefined ? undefined : `"${ifMatch}"`,
        }),
      );
    } catch (error) {
      if (ifMatch !== undefined && isPreconditionFailed(error)) throw ObjectSuperseded.at(key, ifMatch);
      throw error;
    }
    // s3rver ignores If-Match: the entity tag of the answer is checked too, so the pin holds locally.
    if (ifMatch !== undefined && response.ETag !== undefined && unquote(response.ETag) !== ifMatch) {
      (response.Body as Readable | undefined)?.destroy();
      throw ObjectSuperseded.at(key, ifMatch);
    }
    return response.Body as unknown as AsyncIterable<Uint8Array>;
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const response = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: response.ContentLength ?? 0, etag: unquote(response.ETag) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    const found: BlobInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) found.push({ key: object.Key, size: object.Size ?? 0, etag: unquote(object.ETag) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  presignPut(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { name?: string }).name === "NotFound" ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}

function isPreconditionFailed(error: unknown): boolean {
  return (
    (error as { name?: string }).name === "PreconditionFailed" ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412
  );
}

function unquote(etag: string | undefined): string {
  return (etag ?? "").replaceAll('"', "");
}
