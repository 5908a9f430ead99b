import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalCube } from "#domain/canonical-cube.ts";
import { ingest } from "#ingest/ingest.ts";
import type { IngestError } from "#ingest/ingest-error.ts";
import type { Reject } from "#ingest/reject.ts";
import { type EmbeddedServices, startEmbeddedServices } from "#local/embedded-services.ts";
import { parallelIngester } from "#local/parallel-ingest.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { generateRows } from "#sample/generator.ts";
import { createS3Client } from "#store/aws-clients.ts";
import { ObjectSuperseded } from "#store/blob-store.ts";
import { S3BlobStore } from "#store/s3-blob-store.ts";

/**
 * Big uncompressed uploads are split into byte ranges ingested by worker threads, the local twin of
 * the cloud's Distributed Map: the merged result must equal reading the file whole.
 */
let services: EmbeddedServices;
let blobs: S3BlobStore;
const options = {
  file: "lines.csv",
  now: new Date("2026-06-01T00:00:00Z"),
  schemes: [["channel"], ["customer"]],
};

beforeAll(async () => {
  services = await startEmbeddedServices();
  blobs = new S3BlobStore(createS3Client(services.endpoints), services.bucket);
});

afterAll(async () => {
  await services?.close();
});

async function upload(key: string, text: string): Promise<UploadedObject> {
  await blobs.put(key, text);
  const info = await blobs.head(key);
  if (!info) throw new Error("upload vanished");
  return { key, size: info.size, etag: info.etag };
}

const ingester = () => parallelIngester(blobs, services.endpoints, { workers: 3, minimumBytes: 1 });

/** A sample file of 2024's twelve months, as text. */
function sampleText(rows: number, seed: number): string {
  return [...generateRows({ rows, seed, start: "2024-01", months: 12 })].join("");
}

/** The lines of that sample file, header first. */
function sampleLines(rows: number, seed: number): string[] {
  return sampleText(rows, seed).split("\n");
}

/** Ingests an uploaded file, saying whether the ingester chose to read it whole. */
async function ingestNotingWholeRead(object: UploadedObject) {
  let readWhole = false;
  const report = await ingester()(
    object,
    async function* () {
      readWhole = true;
      yield* await blobs.getStream(object.key);
    },
    options,
  );
  return { report, readWhole };
}

describe("ingesting a big file over worker threads", () => {
  it("gives the cube, counts and line numbers of reading the file whole", async () => {
    const lines = sampleLines(12_000, 4);
    // Two bad rows, one in the first and one in the last third, to check the renumbering of rejects.
    lines[100] = (lines[100] as string).replace(/^(T\d+),[^,]+,/, "$1,not-a-date,");
    lines[11_000] = (lines[11_000] as string).replace(/^(T\d+),[^,]+,/, "$1,2024-02-30,");
    const text = lines.join("\n");
    const object = await upload("incoming/big/lines.csv", text);

    const parallelRejects: Reject[] = [];
    const parallel = await ingester()(object, async function* () {}, {
      ...options,
      onReject: (r) => parallelRejects.push(r),
    });
    const whole = await ingest(
      (async function* () {
        yield new TextEncoder().encode(text);
      })(),
      options,
    );

    expect(canonicalCube(parallel.cube)).toEqual(canonicalCube(whole.cube));
    expect([parallel.rows, parallel.rejected, parallel.lines]).toEqual([
      whole.rows,
      whole.rejected,
      whole.lines,
    ]);
    expect(parallelRejects.map((r) => [r.line, r.column])).toEqual([
      [101, "date"],
      [11_001, "date"],
    ]);
    expect(parallel.firstRejects).toEqual(whole.firstRejects);
  });

  it("fails the batch whole when the rejects of all ranges together pass the ratio", async () => {
    const rows = sampleLines(3_000, 5);
    const bad = rows.map((row, i) =>
      i > 0 && i % 10 === 0 ? row.replace(/^(T\d+),[^,]+,/, "$1,never,") : row,
    );
    const object = await upload("incoming/bad/lines.csv", bad.join("\n"));
    await expect(ingester()(object, async function* () {}, options)).rejects.toMatchObject({
      code: "REJECT_RATIO_EXCEEDED",
    } satisfies Partial<IngestError>);
  });

  it("reads a gzip file whole, whatever its size", async () => {
    const { gzipSync } = await import("node:zlib");
    const text = sampleText(2_000, 6);
    await blobs.put("incoming/gz/lines.csv.gz", gzipSync(text));
    const info = await blobs.head("incoming/gz/lines.csv.gz");
    const object = { key: "incoming/gz/lines.csv.gz", size: info?.size ?? 0, etag: info?.etag ?? "" };
    const { report, readWhole } = await ingestNotingWholeRead(object);
    expect(readWhole).toBe(true);
    expect(report.rows).toBe(2_000);
  });

  it("reads a file whole when its quoted fields contain line breaks, and gets the rows right", async () => {
    const lines = sampleLines(3_000, 7);
    const header = (lines[0] as string).split(",");
    const customer = header.indexOf("customer_id");
    const text = lines
      .map((line, i) => {
        if (i === 0 || i % 3 !== 0 || line === "") return line;
        const fields = line.split(",");
        fields[customer] = `"${fields[customer]}\nbranch"`;
        return fields.join(",");
      })
      .join("\n");
    const object = await upload("incoming/quoted/lines.csv", text);
    const { report, readWhole } = await ingestNotingWholeRead(object);
    expect(readWhole).toBe(true);
    expect([report.rows, report.rejected]).toEqual([3_000, 0]);
  });

  it("throws ObjectSuperseded when the file was sent again before it was read, although s3rver ignores If-Match", async () => {
    const rows = sampleText(3_000, 8);
    const first = await upload("incoming/again/lines.csv", rows);
    await upload("incoming/again/lines.csv", rows.replaceAll(",online,", ",phone,"));

    await expect(ingester()(first, async function* () {}, options)).rejects.toBeInstanceOf(ObjectSuperseded);
  });
});
