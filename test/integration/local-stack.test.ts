import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForecastAccuracyResponse } from "#api/segment-schemas.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { generateRows } from "#sample/generator.ts";
import { sampleTruths } from "#sample/sample-truths.ts";
import type { BatchRecord, SchemeRecord, SegmentRecord } from "#store/records.ts";

/**
 * The running service, end to end, on the embedded emulators this test starts itself on ephemeral
 * loopback ports: the ERP's upload through a presigned URL, the batch status, the scores and the
 * decision lists, all through HTTP with the local tokens.
 */
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sample: false });
});

afterAll(async () => {
  await stack?.close();
});

async function call<T>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The ERP's side: ask for an upload URL, PUT the file there, and wait until the batch settles. */
async function push(batchId: string, fileName: string, content: string | Uint8Array): Promise<BatchRecord> {
  const created = await call<{ uploadUrl: string }>("POST", "/batches", stack.tokens.ingest, {
    batchId,
    fileName,
  });
  expect([200, 201]).toContain(created.status);
  const upload = await fetch(created.body.uploadUrl, { method: "PUT", body: content });
  expect(upload.status).toBe(200);
  await stack.pipeline.whenIdle();
  return (await call<BatchRecord>("GET", `/batches/${batchId}`, stack.tokens.ingest)).body;
}

const sample = (rows: number, seed: number) =>
  [...generateRows({ rows, seed, start: "2023-01", months: 36 })].join("");

async function channelRevenue(): Promise<number> {
  const schemes = (await call<{ schemes: SchemeRecord[] }>("GET", "/schemes", stack.tokens.planner)).body
    .schemes;
  return schemes.find((scheme) => scheme.id === "channel")?.totals.revenue ?? Number.NaN;
}

describe("the local stack, through HTTP", () => {
  it("ingests an uploaded batch and serves its scores and decision lists seconds later", async () => {
    const batch = await push("first", "lines.csv", sample(30_000, 5));
    expect(batch).toMatchObject({ status: "scored", accepted: 30_000, rejected: 0 });

    const schemes = (await call<{ schemes: SchemeRecord[] }>("GET", "/schemes", stack.tokens.planner)).body
      .schemes;
    expect(schemes.map((scheme) => scheme.id).sort()).toEqual(
      ["category", "channel", "customer", "customer_type", "product", "region"].sort(),
    );
    const segments = await call<{ items: SegmentRecord[] }>(
      "GET",
      "/schemes/channel/segments",
      stack.tokens.planner,
    );
    expect(segments.body.items.map((segment) => segment.id).sort()).toEqual(
      [...sampleTruths.channels].sort(),
    );

    const no = await call<{ items: SegmentRecord[] }>(
      "GET",
      "/schemes/channel/decisions?list=no",
      stack.tokens.leader,
    );
    const yes = await call<{ items: SegmentRecord[] }>(
      "GET",
      "/schemes/channel/decisions?list=yes",
      stack.tokens.leader,
    );
    expect(yes.body.items.map((segment) => segment.id)).not.toContain(sampleTruths.unprofitableChannel);
    expect(yes.body.items.map((segment) => segment.id)).toContain("online");
    const focus = yes.body.items.map((segment) => segment.scores.focus);
    expect(focus).toEqual([...focus].sort((a, b) => b - a));
    expect(no.body.items.every((segment) => segment.decision === "decline")).toBe(true);

    const online = await call<SegmentRecord & { history: unknown }>(
      "GET",
      "/schemes/channel/segments/online",
      stack.tokens.planner,
    );
    expect(online.body).toMatchObject({
      id: "online",
      values: { channel: "online" },
      decision: expect.any(String),
    });
    expect(online.body.history).toMatchObject({ revenue: expect.any(Array) });
  });

  it("answers how well each scheme's projection forecast the sample's last years, as the scoring run measured it", async () => {
    const schemes = (await call<{ schemes: SchemeRecord[] }>("GET", "/schemes", stack.tokens.planner)).body
      .schemes;
    const channel = schemes.find((scheme) => scheme.id === "channel");
    const answer = await call<ForecastAccuracyResponse>(
      "GET",
      "/schemes/channel/forecast-accuracy",
      stack.tokens.planner,
    );
    expect(answer.status).toBe(200);
    const { accuracy } = answer.body;
    // 36 months: cut-offs from the 12th month to the 24th leave a year of training and a year held out.
    expect(accuracy).toMatchObject({ holdoutMonths: 12, segments: sampleTruths.channels.length });
    expect(accuracy?.cutoffs[0]).toBe("2024-12");
    expect(accuracy?.cutoffs.length).toBeGreaterThan(1);
    for (const method of ["fitted", "trailing-year-naive", "seasonal-naive"] as const) {
      expect(accuracy?.methods[method].revenue.wape, method).toEqual(expect.any(Number));
    }
    expect(answer.body).toMatchObject({ schemeId: "channel", runId: channel?.runId, latestMonth: "2025-12" });
    expect(answer.body.summary).toMatch(
      new RegExp(
        `^Over ${accuracy?.cutoffs.length} cut-offs the projection's year-1 revenue was off by [0-9.]+% \\(WAPE\\)`,
      ),
    );
    expect(channel?.forecastAccuracy).toEqual(accuracy);
  });

  it("stores an upload byte for byte (the round trip through the presigned URL keeps its hash)", async () => {
    const content = new TextEncoder().encode(sample(2_000, 9));
    await push("roundtrip", "lines.csv", content);
    const stored = await stack.context.blobs.getBytes("incoming/roundtrip/lines.csv");
    const digest = (bytes: Uint8Array | undefined) =>
      createHash("sha256")
        .update(bytes ?? new Uint8Array())
        .digest("hex");
    expect(digest(stored)).toBe(digest(content));
  });

  it("counts a re-sent batch once: the same content under the same id does not double revenue", async () => {
    const before = await channelRevenue();
    const content = sample(5_000, 11);
    await push("resend", "lines.csv", content);
    const once = await channelRevenue();
    await push("resend", "lines.csv", content);
    expect(await channelRevenue()).toBe(once);
    expect(once).toBeGreaterThan(before);
  });

  it("replaces a batch's figures when the same id brings new content", async () => {
    await push("replaced", "lines.csv", sample(4_000, 21));
    const withOld = await channelRevenue();
    await push("replaced", "lines.csv", sample(1_000, 22));
    expect(await channelRevenue()).toBeLessThan(withOld);
  });

  it("loses nothing when two batches arrive at once", async () => {
    const before = await channelRevenue();
    const solo = async (batchId: string, seed: number) => {
      const created = await call<{ uploadUrl: string }>("POST", "/batches", stack.tokens.ingest, {
        batchId,
        fileName: "lines.csv",
      });
      await fetch(created.body.uploadUrl, { method: "PUT", body: sample(3_000, seed) });
    };
    await Promise.all([solo("together-a", 31), solo("together-b", 32)]);
    await stack.pipeline.whenIdle();
    const status = async (batchId: string) =>
      (await call<BatchRecord>("GET", `/batches/${batchId}`, stack.tokens.ingest)).body;
    const [a, b] = [await status("together-a"), await status("together-b")];
    expect([a.status, b.status]).toEqual(["scored", "scored"]);
    const revenueOf = (text: string) =>
      text
        .trim()
        .split("\n")
        .slice(1)
        .reduce((sum, line) => sum + Math.round(Number(line.split(",")[4]) * 10_000), 0) / 10_000;
    const added = revenueOf(sample(3_000, 31)) + revenueOf(sample(3_000, 32));
    expect(await channelRevenue()).toBeCloseTo(before + added, 2);
  });

  it("leaves the previous scores intact when a bad file arrives, and says what to fix", async () => {
    const before = await channelRevenue();
    const failed = await push("broken", "lines.csv", "transaction_id,date,customer_id,revenue,cogs\n");
    expect(failed).toMatchObject({ status: "failed", error: { code: "HEADER_ONLY", retryable: false } });
    expect(failed.error?.message).toMatch(/header but no rows/);
    expect(await channelRevenue()).toBe(before);
  });

  it("answers 401 without a token and 403 for the wrong role", async () => {
    expect((await fetch(`${stack.url}/schemes`)).status).toBe(401);
    expect((await call("GET", "/schemes", stack.tokens.ingest)).status).toBe(403);
    expect((await call("POST", "/batches", stack.tokens.planner, { fileName: "x.csv" })).status).toBe(403);
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
  });

  it("refuses, as AWS does, a gzip body that base64 makes larger than a Lambda request", async () => {
    // 4.8 MiB: under the route's 5 MiB, but 6.4 MiB once base64-encoded.
    const response = await fetch(`${stack.url}/batches/too-big/content?fileName=lines.csv.gz`, {
      method: "PUT",
      headers: { authorization: `Bearer ${stack.tokens.ingest}`, "content-type": "application/gzip" },
      body: new Uint8Array(4.8 * 1024 * 1024).fill(0x1f),
    });

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /upload URL of POST \/batches/,
    );
    expect((await call("GET", "/batches/too-big", stack.tokens.ingest)).status).toBe(404);
  });
});

describe("a local stack closed", () => {
  it("takes its page directory and its pre-filled token out of the process's environment", async () => {
    const before = { dir: process.env.SEGFOCUS_WEB_DIR, token: process.env.SEGFOCUS_PREFILL_TOKEN };
    const other = await startLocalStack({ port: 0, sample: false });
    expect(process.env.SEGFOCUS_PREFILL_TOKEN).toBe(other.tokens.leader);
    expect(process.env.SEGFOCUS_WEB_DIR).not.toBe(before.dir);

    await other.close();

    expect({ dir: process.env.SEGFOCUS_WEB_DIR, token: process.env.SEGFOCUS_PREFILL_TOKEN }).toEqual(before);
  });
});
