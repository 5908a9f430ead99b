import { createHash } from "node:crypto";
import {
  GetObjectCommand,
  type GetObjectCommandInput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { s3Body } from "../store/s3-body.ts";

/**
 * The bucket in memory behind aws-sdk-client-mock: GetObject (with VersionId and If-Match), PutObject
 * (also from lib-storage's Upload), ListObjectsV2. Versioned, it keeps every upload's bytes, as the
 * AWS bucket does.
 */
export class FakeBucket {
  readonly objects = new Map<string, Uint8Array>();
  private readonly versions = new Map<string, Uint8Array>();
  private uploads = 0;
  private readonly faults: Array<{ key: string; error: () => Error; remaining: number; failed: number }> = [];

  /** Makes reads of one key fail with a fresh error each: every one, or the next `times` of them. */
  failingReads(key: string, error: () => Error, times = Infinity): { readonly failed: () => number } {
    const fault = { key, error, remaining: times, failed: 0 };
    this.faults.push(fault);
    return { failed: () => fault.failed };
  }

  attach(mock: AwsClientStub<S3Client>): this {
    mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => this.get(input));
    mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => this.put(input));
    mock.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => this.list(input));
    return this;
  }

  constructor(private readonly options: { readonly versioned?: boolean } = {}) {}

  /** Stores an upload and returns the object as an S3 notification announces it. */
  upload(
    key: string,
    content: string,
  ): { key: string; size: number; eTag: string; versionId?: string; sequencer: string } {
    const bytes = new TextEncoder().encode(content);
    this.objects.set(key, bytes);
    const sequencer = (++this.uploads).toString(16).toUpperCase().padStart(16, "0");
    const announced = { key, size: bytes.length, eTag: etagOf(bytes), sequencer };
    if (!this.options.versioned) return announced;
    const versionId = `version-${this.uploads}`;
    this.versions.set(`${key}?versionId=${versionId}`, bytes);
    return { ...announced, versionId };
  }

  text(key: string): string | undefined {
    const bytes = this.objects.get(key);
    return bytes && new TextDecoder().decode(bytes);
  }

  get(input: GetObjectCommandInput) {
    const fault = this.faults.find((candidate) => candidate.key === input.Key && candidate.remaining > 0);
    if (fault) {
      fault.remaining--;
      fault.failed++;
      throw fault.error();
    }
    const bytes =
      input.VersionId === undefined
        ? this.objects.get(input.Key ?? "")
        : this.versions.get(`${input.Key}?versionId=${input.VersionId}`);
    if (!bytes)
      throw new NoSuchKey({
        message: "The specified key does not exist.",
        $metadata: { httpStatusCode: 404 },
      });
    if (input.IfMatch !== undefined && input.IfMatch.replaceAll('"', "") !== etagOf(bytes))
      throw new S3ServiceException({
        name: "PreconditionFailed",
        $fault: "client",
        message: "At least one of the pre-conditions you specified did not hold",
        $metadata: { httpStatusCode: 412 },
      });
    const range = /^bytes=(\d+)-(\d*)$/.exec(input.Range ?? "");
    const body = range ? bytes.slice(Number(range[1]), range[2] ? Number(range[2]) + 1 : undefined) : bytes;
    return { Body: s3Body(body), ContentLength: body.length, ETag: `"${etagOf(bytes)}"` };
  }

  async put(input: PutObjectCommandInput) {
    const bytes = await bytesOf(input.Body);
    this.objects.set(input.Key ?? "", bytes);
    return { ETag: `"${etagOf(bytes)}"` };
  }

  list(input: ListObjectsV2CommandInput) {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(input.Prefix ?? "")).sort();
    return {
      Contents: keys.map((key) => ({ Key: key, Size: this.objects.get(key)?.length, ETag: `"e-${key}"` })),
      IsTruncated: false,
    };
  }
}

async function bytesOf(body: PutObjectCommandInput["Body"]): Promise<Uint8Array> {
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body.slice();
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function etagOf(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}
