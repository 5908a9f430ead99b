import { describe, expect, it, vi } from "vitest";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { columnMappingSchema } from "#ingest/mapping.ts";
import type { BatchRecord } from "#store/records.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { ERP_MAPPING } from "#test-support/erp-mapping.ts";
import { MemoryBatchRepository } from "#test-support/memory-batches.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { authorised, expectInvalidRequest, memoryApi, TOKENS } from "./api-harness.ts";

const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);
const RUN_ID = "run-1";

function setup() {
  const batches = new MemoryBatchRepository();
  const repository = MemoryScoreRepository.withScores(RESULT, RUN_ID);
  const { call } = memoryApi({
    batches,
    scores: repository,
    newId: () => "generated-batch-1",
  });
  return { batches, repository, call };
}

/** What a value looks like after a trip through JSON, as the client receives it. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function storedSegment(schemeId: string, segmentId: string) {
  const segment = RESULT.schemes
    .find((scheme) => scheme.id === schemeId)
    ?.segments.find((candidate) => candidate.id === segmentId);
  if (!segment) throw new Error(`no segment ${segmentId} in ${schemeId}`);
  const { history, ...rest } = segment;
  return { record: asJson({ ...rest, schemeId, runId: RUN_ID }) as Record<string, unknown>, history };
}

/** The ERP's mapping with the default delimiter. */
const MAPPING = { format: "csv", columns: ERP_MAPPING.columns };

describe("GET /health", () => {
  it("answers { status: ok } without a token", async () => {
    const { call } = setup();
    const answer = await call({ method: "GET", path: "/health" });
    expect(answer).toEqual({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { status: "ok" },
    });
  });
});

describe("POST /batches", () => {
  it("creates a batch awaiting upload under a generated id and answers 201 with an upload URL valid 15 minutes", async () => {
    const { call, batches } = setup();
    const answer = await call(authorised.post("ingest", "/batches", { fileName: "lines-2025-02.csv.gz" }));
    expect(answer.status).toBe(201);
    expect(answer.headers.location).toBe("/batches/generated-batch-1");
    expect(answer.body).toEqual({
      batchId: "generated-batch-1",
      uploadUrl: "https://uploads.example.com/incoming/generated-batch-1/lines-2025-02.csv.gz?expires-in=900",
      expiresAt: "2025-03-01T08:15:00.000Z",
      status: "awaiting_upload",
    });
    expect(batches.stored.get("generated-batch-1")).toEqual({
      batchId: "generated-batch-1",
      fileName: "lines-2025-02.csv.gz",
      status: "awaiting_upload",
      createdAt: "2025-03-01T08:00:00.000Z",
      updatedAt: "2025-03-01T08:00:00.000Z",
    });
  });

  it("keeps the client's batch id and stores its column mapping as validated, defaults included", async () => {
    const { call, batches } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", {
        batchId: "erp-2025-02-28",
        fileName: "lines.csv",
        mapping: MAPPING,
      }),
    );
    expect(answer.status).toBe(201);
    expect(answer.body.batchId).toBe("erp-2025-02-28");
    expect(batches.stored.get("erp-2025-02-28")?.mapping).toEqual(columnMappingSchema.parse(MAPPING));
  });

  it("answers a re-send of the same batch id with 200, the batch as stored and a new upload URL", async () => {
    const { call, batches } = setup();
    const request = authorised.post("ingest", "/batches", {
      batchId: "erp-2025-02-28",
      fileName: "lines.csv",
      mapping: MAPPING,
    });
    await call(request);
    const stored = batches.stored.get("erp-2025-02-28") as BatchRecord;
    batches.stored.set("erp-2025-02-28", { ...stored, status: "scored" });

    const again = await call(request);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      batchId: "erp-2025-02-28",
      uploadUrl: "https://uploads.example.com/incoming/erp-2025-02-28/lines.csv?expires-in=900",
      expiresAt: "2025-03-01T08:15:00.000Z",
      status: "scored",
    });
    expect(batches.stored.size).toBe(1);
  });

  it("refuses a re-send of a batch id with a different column mapping, with 409 BATCH_CONFLICT", async () => {
    const { call } = setup();
    const body = { batchId: "erp-2025-02-28", fileName: "lines.csv", mapping: MAPPING };
    await call(authorised.post("ingest", "/batches", body));
    const answer = await call(
      authorised.post("ingest", "/batches", { ...body, mapping: { ...MAPPING, delimiter: ";" } }),
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      code: "BATCH_CONFLICT",
      details: { batchId: "erp-2025-02-28", field: "mapping" },
    });
  });

  it("refuses a file name with a slash and an invalid batch id, naming both fields", async () => {
    const { call } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", { batchId: "-starts-with-a-dash", fileName: "../etc/passwd" }),
    );
    expectInvalidRequest(answer, [
      {
        path: "body.batchId",
        message: "a batch id is 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit",
      },
      { path: "body.fileName", message: "a file name cannot contain slashes or control characters" },
    ]);
  });

  it("refuses a column mapping that maps no cost, naming the mapping field", async () => {
    const { call } = setup();
    const { cogs: _, ...columns } = MAPPING.columns;
    const answer = await call(
      authorised.post("ingest", "/batches", { fileName: "lines.csv", mapping: { columns } }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      {
        path: "body.mapping.columns.cogs",
        message:
          "map at least one of cogs, costs or profit: without costs every line would look 100% profitable",
      },
    ]);
  });

  it("refuses a mapping dimension named customer with the reason, not zod's generic record-key message", async () => {
    const { call } = setup();
    const answer = await call(
      authorised.post("ingest", "/batches", {
        fileName: "lines.csv",
        mapping: { columns: { ...MAPPING.columns, dimensions: { customer: "Account" } } },
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      {
        path: "body.mapping.columns.dimensions.customer",
        message: '"customer" is the built-in dimension of customer ids; choose another name',
      },
    ]);
  });

  it("refuses unknown fields, so a misspelt fileName is not silently ignored", async () => {
    const { call } = setup();
    const answer = await call(authorised.post("ingest", "/batches", { filename: "lines.csv" }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue: { path: string }) => issue.path)).toEqual([
      "body.fileName",
      "body",
    ]);
    expect(answer.body.error.details[1].message).toContain("filename");
  });

  it("refuses a request without a body, naming the body", async () => {
    const { call } = setup();
    const answer = await call({ method: "POST", path: "/batches", claims: TOKENS.ingest });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: "body", message: expect.any(String) }]);
  });

  it("refuses a body that is not JSON with 400 INVALID_JSON", async () => {
    const { call } = setup();
    const answer = await call(authorised.post("ingest", "/batches", '{"fileName": "lines.csv"'));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "INVALID_JSON",
      message: "the request body is not valid JSON",
    });
  });

  it("refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE before parsing it", async () => {
    const { call } = setup();
    const parse = vi.spyOn(JSON, "parse");
    const answer = await call(
      authorised.post("ingest", "/batches", { fileName: "lines.csv", padding: "x".repeat(1024 * 1024) }),
    );
    const parsedRequestBodies = parse.mock.calls.length - 1; // the harness parses the answer
    parse.mockRestore();
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { maxBytes: 1048576 },
    });
    expect(parsedRequestBodies).toBe(0);
  });

  it("decodes a base64-encoded body before reading it", async () => {
    const { call } = setup();
    const answer = await call({
      method: "POST",
      path: "/batches",
      claims: TOKENS.ingest,
      body: { batchId: "b64", fileName: "lines.csv" },
      base64: true,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.batchId).toBe("b64");
  });
});

describe("GET /batches/{batchId}", () => {
  it("answers the batch as stored, to its ERP and to planners", async () => {
    const { call } = setup();
    await call(authorised.post("ingest", "/batches", { batchId: "erp-1", fileName: "lines.csv" }));
    for (const claims of [TOKENS.ingest, TOKENS.planner]) {
      const answer = await call({ method: "GET", path: "/batches/erp-1", claims });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        batchId: "erp-1",
        fileName: "lines.csv",
        status: "awaiting_upload",
        createdAt: "2025-03-01T08:00:00.000Z",
        updatedAt: "2025-03-01T08:00:00.000Z",
      });
    }
  });

  it("answers 404 BATCH_NOT_FOUND for an unknown batch", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/batches/erp-404"));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: { code: "BATCH_NOT_FOUND", message: 'no batch has the id "erp-404"' },
    });
  });

  it("refuses a batch id that is not one, naming params.batchId", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("ingest", "/batches/..%2Fsecrets"));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: "params.batchId", message: expect.any(String) }]);
  });
});

describe("GET /schemes", () => {
  it("answers every scheme's summary with its decision counts", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes"));
    expect(answer.status).toBe(200);
    expect(answer.body.schemes.map((scheme: { id: string }) => scheme.id)).toEqual([
      "channel",
      "customer",
      "channel+category",
    ]);
    const { segments, ...channel } = RESULT.schemes[0] as ScoringResult["schemes"][number];
    expect(answer.body.schemes[0]).toEqual(
      asJson({
        ...channel,
        segmentCount: 6,
        decisions: { choose: 1, develop: 1, fix: 2, decline: 1, insufficient_data: 1 },
        latestMonth: "2024-12",
        runId: RUN_ID,
      }),
    );
    expect(answer.body.schemes[0].forecastAccuracy).toMatchObject({ cutoffs: ["2023-12"], chosen: "fitted" });
  });
});

describe("GET /schemes/{schemeId}/segments/{segmentId}", () => {
  it("answers the segment with its monthly history, reading an id with | from its encoded path", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/channel+category/segments/direct%7Cpaint"));
    const { record, history } = storedSegment("channel+category", "direct|paint");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...record, history: asJson(history) });
  });

  it("reads the same segment when API Gateway also passes the decoded path parameters", async () => {
    const { call } = setup();
    const answer = await call({
      method: "GET",
      path: "/schemes/channel+category/segments/direct%7Cpaint",
      pathParameters: { schemeId: "channel+category", segmentId: "direct|paint" },
      claims: TOKENS.leader,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe("direct|paint");
  });

  it("decodes the path exactly once, so a | escaped inside a value stays escaped", async () => {
    const { call, repository } = setup();
    const get = vi.spyOn(repository, "getSegmentWithHistory");
    // Values "a|b" and "paint" make the id "a%7Cb|paint", which a client sends as "a%257Cb%7Cpaint".
    const answer = await call(
      authorised.get("planner", "/schemes/channel+category/segments/a%257Cb%7Cpaint"),
    );
    expect(get).toHaveBeenCalledWith("channel+category", "a%7Cb|paint");
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({
      code: "SEGMENT_NOT_FOUND",
      message: 'scheme "channel+category" has no segment "a%7Cb|paint"',
    });
  });

  it.each([
    ["a control character", "direct%0Apaint", "a segment id cannot contain control characters"],
    ["broken percent-encoding", "direct%E0%A4%A", "the path segment is not valid percent-encoding"],
    ["more than 512 characters", "s".repeat(513), "a segment id has at most 512 characters"],
    ["more than 1014 bytes", "%C3%A9".repeat(508), "a segment id has at most 1014 bytes in UTF-8"],
  ])("refuses a segment id with %s, naming params.segmentId", async (_, segment, message) => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", `/schemes/channel/segments/${segment}`));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: "params.segmentId", message }]);
  });
});

/** A segment as the board lists it while no leader has decided on it. */
function onTheBoard(record: Record<string, unknown>) {
  return { ...record, state: { status: "recommended", decision: record.decision, needsReview: false } };
}

describe("GET /schemes/{schemeId}/decisions", () => {
  it.each([
    ["yes", ["direct", "online"]],
    ["no", ["warranty"]],
    ["fix", ["wholesale", "outlet"]],
  ])("lists the say-%s segments of a scheme, best focus first", async (list, ids) => {
    const { call } = setup();
    const answer = await call(authorised.get("leader", `/schemes/channel/decisions?list=${list}`));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      list,
      items: ids.map((id) => onTheBoard(storedSegment("channel", id).record)),
    });
  });

  it("lists the say-yes segments unless told which list", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/channel+category/decisions"));
    expect(answer.body.list).toBe("yes");
    expect(answer.body.items.map((segment: { id: string }) => segment.id)).toEqual([
      "direct|paint",
      "online|garden",
    ]);
  });

  it("pages the list with a cursor", async () => {
    const { call } = setup();
    const first = await call(authorised.get("planner", "/schemes/channel/decisions?list=fix&limit=1"));
    expect(first.body).toEqual({
      list: "fix",
      items: [onTheBoard(storedSegment("channel", "wholesale").record)],
      cursor: "1",
    });
  });

  it("answers an empty list for a known scheme with no segment on it", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/customer/decisions?list=yes"));
    expect(answer).toMatchObject({ status: 200, body: { list: "yes", items: [] } });
  });

  it("answers 404 SCHEME_NOT_FOUND for an unknown scheme", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/region/decisions?list=no"));
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("SCHEME_NOT_FOUND");
  });

  it("refuses a list that is not yes, no or fix, naming query.list", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/channel/decisions?list=maybe"));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: "query.list", message: expect.stringContaining('"yes"') },
    ]);
  });
});

describe("routing", () => {
  it("answers 404 NOT_FOUND for a path no route knows", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/segments"));
    expect(answer).toEqual({
      status: 404,
      headers: { "content-type": "application/json" },
      body: { error: { code: "NOT_FOUND", message: "no route answers GET /segments" } },
    });
  });

  it("answers 405 METHOD_NOT_ALLOWED with an Allow header for a known path under another method", async () => {
    const { call } = setup();
    const answer = await call(authorised.delete("ingest", "/batches/erp-1"));
    expect(answer).toEqual({
      status: 405,
      headers: { "content-type": "application/json", allow: "GET" },
      body: {
        error: {
          code: "METHOD_NOT_ALLOWED",
          message: "DELETE is not allowed here; use GET",
          details: { allowedMethods: ["GET"] },
        },
      },
    });
  });

  it("answers DELETE /batches with 405 naming the methods it takes", async () => {
    const { call } = setup();
    const answer = await call(authorised.delete("ingest", "/batches"));
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST, GET");
  });

  it("accepts a trailing slash", async () => {
    const { call } = setup();
    const answer = await call(authorised.get("planner", "/schemes/"));
    expect(answer.status).toBe(200);
  });
});
