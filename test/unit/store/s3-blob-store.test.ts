import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ObjectSuperseded } from "#store/blob-store.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";
import { s3Body } from "./s3-body.ts";

const BUCKET = "segfocus-test";
const s3 = mockClient(S3Client);
let blobs: S3BlobStore;

beforeEach(() => {
  s3.reset();
  blobs = new S3BlobStore(new S3Client({ region: "eu-west-1" }), BUCKET);
});

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const notFound = () => new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } });
const noSuchKey = () =>
  new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
const accessDenied = () =>
  new S3ServiceException({
    name: "AccessDenied",
    $fault: "client",
    message: "Access Denied",
    $metadata: { httpStatusCode: 403 },
  });

describe("head", () => {
  it("describes an object by its size and its entity tag without quotes", async () => {
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: "partials/b-1.cube" }).resolves({
      ContentLength: 1234,
      ETag: '"9b2cf535f27731c974343645a3985328"',
    });

    expect(await blobs.head("partials/b-1.cube")).toEqual({
      key: "partials/b-1.cube",
      size: 1234,
      etag: "9b2cf535f27731c974343645a3985328",
    });
  });

  it("returns undefined for a key with no object (S3 answers a HEAD with a bare 404 NotFound)", async () => {
    s3.on(HeadObjectCommand).rejects(notFound());

    expect(await blobs.head("partials/none.cube")).toBeUndefined();
  });

  it("passes on any other failure", async () => {
    s3.on(HeadObjectCommand).rejects(accessDenied());

    await expect(blobs.head("partials/b-1.cube")).rejects.toThrow("Access Denied");
  });
});

describe("getBytes", () => {
  it("returns the whole object", async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: "partials/b-1.cube" }).resolves({
      Body: s3Body("SFCUBE", "…rest"),
    });

    expect(new TextDecoder().decode(await blobs.getBytes("partials/b-1.cube"))).toBe("SFCUBE…rest");
  });

  it.each([
    ["NoSuchKey", noSuchKey],
    ["NotFound", notFound],
  ])("returns undefined when S3 answers %s", async (_, missing) => {
    s3.on(GetObjectCommand).rejects(missing());

    expect(await blobs.getBytes("partials/none.cube")).toBeUndefined();
  });

  it("passes on any other failure", async () => {
    s3.on(GetObjectCommand).rejects(accessDenied());

    await expect(blobs.getBytes("partials/b-1.cube")).rejects.toThrow("Access Denied");
  });
});

describe("getStream", () => {
  it("streams the whole object when no range is given", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body("header\n", "row 1\n") });

    expect(await collect(await blobs.getStream("incoming/b-1/orders.csv"))).toBe("header\nrow 1\n");
    const input = s3.commandCalls(GetObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({ Bucket: BUCKET, Key: "incoming/b-1/orders.csv", Range: undefined });
  });

  it("asks for the byte range [start, end) as the inclusive HTTP range start to end − 1", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body("0123456789") });

    await blobs.getStream("incoming/b-1/orders.csv", { start: 1_000, end: 1_010 });
    await blobs.getStream("incoming/b-1/orders.csv", { start: 0, end: 1 });

    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range)).toEqual([
      "bytes=1000-1009",
      "bytes=0-0",
    ]);
  });

  it("reads from a start to the object's end when no end is given", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body("56789") });

    await blobs.getStream("quarantine/b-1/rejects.ndjson", { start: 5 });

    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Range).toBe("bytes=5-");
  });

  it("pins the read to a version, or to an entity tag as a quoted If-Match", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body("x"), ETag: '"aa11"' });

    await blobs.getStream("incoming/b-1/orders.csv", { start: 0, end: 10, versionId: "3HL4kqtJlcpXroDTDmJ" });
    await blobs.getStream("incoming/b-1/orders.csv", { ifMatch: "aa11" });

    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: BUCKET,
        Key: "incoming/b-1/orders.csv",
        Range: "bytes=0-9",
        VersionId: "3HL4kqtJlcpXroDTDmJ",
      },
      { Bucket: BUCKET, Key: "incoming/b-1/orders.csv", IfMatch: '"aa11"' },
    ]);
  });

  it("throws ObjectSuperseded when S3 answers a pinned read with 412 Precondition Failed", async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: "PreconditionFailed",
        $fault: "client",
        message: "At least one of the pre-conditions you specified did not hold",
        $metadata: { httpStatusCode: 412 },
      }),
    );

    const read = blobs.getStream("incoming/b-1/orders.csv", { ifMatch: "aa11" });

    await expect(read).rejects.toBeInstanceOf(ObjectSuperseded);
    await expect(read).rejects.toThrow(
      "incoming/b-1/orders.csv no longer holds the upload with entity tag aa11",
    );
  });

  it("throws ObjectSuperseded when the answer carries another entity tag (s3rver ignores If-Match)", async () => {
    const body = Readable.from(["newer bytes"]);
    s3.on(GetObjectCommand).resolves({ Body: body as never, ETag: '"bb22"' });

    await expect(blobs.getStream("incoming/b-1/orders.csv", { ifMatch: "aa11" })).rejects.toBeInstanceOf(
      ObjectSuperseded,
    );
    expect(body.destroyed).toBe(true);
  });

  it("passes on a 412 of a read that was not pinned, and any other failure of a pinned one", async () => {
    const preconditionFailed = new S3ServiceException({
      name: "PreconditionFailed",
      $fault: "client",
      message: "At least one of the pre-conditions you specified did not hold",
      $metadata: { httpStatusCode: 412 },
    });
    s3.on(GetObjectCommand).rejectsOnce(preconditionFailed).rejectsOnce(accessDenied());

    await expect(blobs.getStream("incoming/b-1/orders.csv")).rejects.toBe(preconditionFailed);
    await expect(blobs.getStream("incoming/b-1/orders.csv", { ifMatch: "aa11" })).rejects.toThrow(
      "Access Denied",
    );
  });
});

describe("list", () => {
  it("follows continuation tokens until S3 says the listing is complete", async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [
          { Key: "partials/b-1.cube", Size: 10, ETag: '"e1"' },
          { Key: "partials/b-2.cube", Size: 20, ETag: '"e2"' },
        ],
        IsTruncated: true,
        NextContinuationToken: "page-2",
      })
      .resolvesOnce({
        Contents: [{ Key: "partials/b-3.cube", Size: 30, ETag: '"e3"' }],
        IsTruncated: true,
        NextContinuationToken: "page-3",
      })
      .resolvesOnce({ Contents: [{ Key: "partials/b-4.cube", Size: 40, ETag: '"e4"' }], IsTruncated: false });

    const listed = await blobs.list("partials/");

    expect(listed).toEqual([
      { key: "partials/b-1.cube", size: 10, etag: "e1" },
      { key: "partials/b-2.cube", size: 20, etag: "e2" },
      { key: "partials/b-3.cube", size: 30, etag: "e3" },
      { key: "partials/b-4.cube", size: 40, etag: "e4" },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: "partials/", ContinuationToken: undefined },
      { Bucket: BUCKET, Prefix: "partials/", ContinuationToken: "page-2" },
      { Bucket: BUCKET, Prefix: "partials/", ContinuationToken: "page-3" },
    ]);
  });

  it("is empty for a prefix with no objects", async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    expect(await blobs.list("partials/")).toEqual([]);
  });
});

describe("writes", () => {
  it("puts bytes under the key with their content type", async () => {
    s3.on(PutObjectCommand).resolves({});

    await blobs.put("partials/b-1.cube", new Uint8Array([1, 2, 3]));
    await blobs.put("quarantine/b-1/rejects.ndjson", '{"line":2}\n', "application/x-ndjson");

    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: BUCKET,
        Key: "partials/b-1.cube",
        Body: new Uint8Array([1, 2, 3]),
        ContentType: "application/octet-stream",
      },
      {
        Bucket: BUCKET,
        Key: "quarantine/b-1/rejects.ndjson",
        Body: '{"line":2}\n',
        ContentType: "application/x-ndjson",
      },
    ]);
  });

  it("uploads a stream of unknown length whole", async () => {
    s3.on(PutObjectCommand).resolves({});

    await blobs.putStream(
      "quarantine/b-1/rejects.ndjson",
      Readable.from(["a\n", "b\n"]),
      "application/x-ndjson",
    );

    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: "quarantine/b-1/rejects.ndjson",
      ContentType: "application/x-ndjson",
    });
    expect(Buffer.from(input?.Body as Uint8Array).toString("utf8")).toBe("a\nb\n");
  });

  it("deletes by key", async () => {
    s3.on(DeleteObjectCommand).resolves({});

    await blobs.delete("partials/b-1.cube");

    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: "partials/b-1.cube",
    });
  });
});
