import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { generateRows } from "#sample/generator.ts";
import type { BatchRecord, SchemeRecord } from "#store/records.ts";

/**
 * `segfocus push` as an ERP runs it: the real binary in a child process, against the local stack
 * this test starts in-process on loopback, and through a proxy that breaks the first upload.
 */
let stack: LocalStack;
let directory: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, sample: false });
  directory = await mkdtemp(join(tmpdir(), "segfocus-push-"));
});

afterAll(async () => {
  await stack?.close();
  await rm(directory, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `segfocus` binary; asynchronously, since the stack it talks to runs in this process. */
function segfocus(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/segfocus.js", ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
  });
}

function pushTo(api: string, file: string, ...args: string[]): Promise<Run> {
  return segfocus("push", file, "--api", api, "--token", stack.tokens.ingest, ...args);
}

async function sampleFile(
  name: string,
  rows: number,
  seed: number,
): Promise<{ path: string; revenue: number }> {
  const text = [...generateRows({ rows, seed, start: "2023-01", months: 36 })].join("");
  const path = join(directory, name);
  await writeFile(path, text);
  return { path, revenue: revenueOf(text) };
}

/** The sum of the revenue column (the fifth) of a sample file. */
function revenueOf(text: string): number {
  return text
    .trimEnd()
    .split("\n")
    .slice(1)
    .reduce((sum, line) => sum + Number(line.split(",")[4]), 0);
}

async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function channelRevenue(): Promise<number> {
  const { schemes } = await getJson<{ schemes: SchemeRecord[] }>("/schemes", stack.tokens.planner);
  return schemes.find((scheme) => scheme.id === "channel")?.totals.revenue ?? 0;
}

function batchIdIn(stdout: string): string {
  const id = /^batch (\S+): /m.exec(stdout)?.[1];
  expect(id).toBeDefined();
  return id as string;
}

describe("segfocus push against the local stack", () => {
  let first: { path: string; revenue: number };
  let firstBatchId = "";

  it("uploads a generated file, waits, and reports it scored with every line counted", async () => {
    first = await sampleFile("nightly.csv", 20_000, 4);
    const run = await pushTo(stack.url, first.path, "--wait");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^batch nightly\.csv-[0-9a-f]{16}: scored, 20,000 lines accepted, 0 rejected$/m,
    );
    firstBatchId = batchIdIn(run.stdout);

    const batch = await getJson<BatchRecord>(`/batches/${firstBatchId}`, stack.tokens.ingest);
    expect(batch).toMatchObject({ status: "scored", fileName: "nightly.csv", accepted: 20_000, rejected: 0 });
    expect(await channelRevenue()).toBeCloseTo(first.revenue, 2);
  });

  it("pushes the same file again under the same batch id, and the revenue is not doubled", async () => {
    const run = await pushTo(stack.url, first.path, "--wait");
    expect(run.code).toBe(0);
    expect(batchIdIn(run.stdout)).toBe(firstBatchId);
    expect(run.stdout).toMatch(/scored, 20,000 lines accepted/);
    expect(await channelRevenue()).toBeCloseTo(first.revenue, 2);
  });

  it("exits 1 on a file that fails, with the reason and what to do", async () => {
    const headerOnly = join(directory, "empty-export.csv");
    await writeFile(headerOnly, "transaction_id,date,customer_id,revenue,cogs\n");
    const before = await channelRevenue();
    const run = await pushTo(stack.url, headerOnly, "--wait");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/failed: HEADER_ONLY: the file has a header but no rows/);
    expect(run.stderr).toMatch(/fix the file and push it again/);
    expect(await channelRevenue()).toBe(before);
  });

  it("exits 1 when the token is refused, saying to check it", async () => {
    const run = await segfocus("push", first.path, "--api", stack.url, "--token", "not-a-token");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the API refused the token \(401 UNAUTHENTICATED.*\): check --token/);
  });

  it("exits 1 when the token's role may not push, naming the role it needs", async () => {
    const run = await segfocus("push", first.path, "--api", stack.url, "--token", stack.tokens.planner);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/403 FORBIDDEN.*push with a token of the ingest role/);
  });

  it("sends a --mapping file as the batch's column mapping, so an ERP's own headers are understood", async () => {
    const text = [...generateRows({ rows: 3_000, seed: 8, start: "2023-01", months: 36 })].join("");
    const [, ...lines] = text.split("\n");
    const erpHeader =
      "Invoice,Posted,SoldTo,Order,Net,Qty,Cost,Disc,Freight,Handling,OrderProc,Returns,Terms,Channel,Region,Category,Product,Tier";
    const file = join(directory, "erp-export.csv");
    await writeFile(file, [erpHeader, ...lines].join("\n"));
    const mapping = join(directory, "erp-mapping.json");
    await writeFile(
      mapping,
      JSON.stringify({
        columns: {
          transactionId: "Invoice",
          date: "Posted",
          customerId: "SoldTo",
          orderId: "Order",
          revenue: "Net",
          quantity: "Qty",
          cogs: "Cost",
          discountRate: "Disc",
          costs: {
            freight: "Freight",
            handling: "Handling",
            order_processing: "OrderProc",
            returns: "Returns",
            payment_terms: "Terms",
          },
          dimensions: {
            channel: "Channel",
            region: "Region",
            category: "Category",
            product: "Product",
            customer_type: "Tier",
          },
        },
      }),
    );
    const before = await channelRevenue();
    const run = await pushTo(stack.url, file, "--mapping", mapping, "--wait");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/scored, 3,000 lines accepted, 0 rejected/);
    expect(await channelRevenue()).toBeCloseTo(before + revenueOf(text), 2);
  });

  it("retries an upload whose connection drops midway, without asking for a new URL", async () => {
    const file = await sampleFile("flaky.csv", 2_000, 6);
    const proxy = await startFlakyProxy(stack.url, "reset");
    try {
      const before = await channelRevenue();
      const run = await pushTo(proxy.url, file.path, "--batch-id", "flaky-1", "--wait");
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/upload attempt 1 of 3 failed: the connection dropped/);
      expect(run.stdout).toMatch(/^batch flaky-1: scored, 2,000 lines accepted/m);
      expect(proxy.counts).toEqual({ uploadUrlRequests: 1, uploads: 2 });
      expect(await channelRevenue()).toBeCloseTo(before + file.revenue, 2);
    } finally {
      await proxy.close();
    }
  });

  it("asks for a new upload URL under the same batch id when the first one has expired", async () => {
    const file = await sampleFile("late.csv", 2_000, 7);
    const proxy = await startFlakyProxy(stack.url, "expire");
    try {
      const run = await pushTo(proxy.url, file.path, "--batch-id", "late-1", "--wait");
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/upload attempt 1 of 3 failed: the upload URL expired/);
      expect(proxy.counts).toEqual({ uploadUrlRequests: 2, uploads: 2 });
      expect(proxy.batchIdsAsked).toEqual(["late-1", "late-1"]);
    } finally {
      await proxy.close();
    }
  });
});

interface FlakyProxy {
  readonly url: string;
  readonly counts: { uploadUrlRequests: number; uploads: number };
  readonly batchIdsAsked: string[];
  close(): Promise<void>;
}

/**
 * Stands between the CLI and the service: passes API calls on, but points the upload URLs at itself,
 * so that it can break the first upload — by resetting its connection after the first bytes, or by
 * answering as S3 does for an expired presigned URL — and pass every later one on.
 */
async function startFlakyProxy(api: string, fault: "reset" | "expire"): Promise<FlakyProxy> {
  const counts = { uploadUrlRequests: 0, uploads: 0 };
  const batchIdsAsked: string[] = [];
  let self = "";

  async function forwardApiCall(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const creating = request.method === "POST" && request.url === "/batches";
    if (creating) {
      counts.uploadUrlRequests++;
      batchIdsAsked.push((JSON.parse(body) as { batchId: string }).batchId);
    }
    const answer = await fetch(`${api}${request.url}`, {
      method: request.method,
      headers: {
        authorization: request.headers.authorization ?? "",
        "content-type": "application/json",
      },
      body: body === "" ? undefined : body,
    });
    let text = await answer.text();
    if (creating && answer.ok) {
      const created = JSON.parse(text) as { uploadUrl: string };
      created.uploadUrl = `${self}/upload?to=${encodeURIComponent(created.uploadUrl)}`;
      text = JSON.stringify(created);
    }
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(text);
  }

  function handleUpload(request: IncomingMessage, response: ServerResponse, target: string): void {
    counts.uploads++;
    if (counts.uploads === 1 && fault === "reset") {
      request.once("data", () => request.socket.resetAndDestroy());
      return;
    }
    if (counts.uploads === 1 && fault === "expire") {
      request.resume();
      request.on("end", () => {
        response.writeHead(403, { "content-type": "application/xml" });
        response.end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
      });
      return;
    }
    const forwarded = httpRequest(
      target,
      { method: "PUT", headers: { "content-length": request.headers["content-length"] } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forwarded);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", self);
    const target = url.searchParams.get("to");
    if (url.pathname === "/upload" && target) handleUpload(request, response, target);
    else void forwardApiCall(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    counts,
    batchIdsAsked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
