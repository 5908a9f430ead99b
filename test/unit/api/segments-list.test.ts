import { describe, expect, it, vi } from "vitest";
import { ApiError } from "#api/http-error.ts";
import {
  cursorOffset,
  decodeSegmentListCursor,
  type SegmentListRequest,
  segmentListPage,
  segmentListPageJson,
} from "#api/segment-list.ts";
import type { SegmentFilters } from "#api/segment-schemas.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import {
  type SegmentListItem,
  type SegmentSnapshot,
  segmentSnapshotKey,
  segmentSnapshotOf,
} from "#store/segment-snapshots.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { authorised, expectInvalidRequest } from "./api-harness.ts";
import { asJson, segmentsApi } from "./segments-api.ts";

const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

function item(id: string, fields: Partial<SegmentListItem> & { focus?: number } = {}): SegmentListItem {
  const { focus = 50, ...rest } = fields;
  return {
    id,
    values: { channel: "online", region: "west" },
    decision: "choose",
    profitClass: "peak",
    scores: { focus, profitability: 50, growth: 50, defensibility: 50 },
    revenue: 1000,
    profit: 100,
    margin: 0.1,
    customers: 3,
    costToServeIntensity: 0.05,
    opportunity: 0,
    reason: null,
    ...rest,
  };
}

function snapshotOf(segments: SegmentListItem[], runId = "run-1"): SegmentSnapshot {
  return { format: 1, schemeId: "channel+region", runId, dimensions: ["channel", "region"], segments };
}

const scores = (focus: number, growth: number, defensibility: number) => ({
  focus,
  profitability: 50,
  growth,
  defensibility,
});

/** Five segments that each sort key puts in a different order; b and d tie on focus, c and e on growth. */
const SORTABLE = snapshotOf([
  item("e", { scores: scores(30, 60, 30), profit: 0, margin: 0, revenue: 0 }),
  item("d", { scores: scores(70, 40, 70), profit: 200, margin: -0.2, revenue: 100 }),
  item("c", { scores: scores(50, 60, 90), profit: -50, margin: 0.5, revenue: 2000 }),
  item("b", { scores: scores(70, 80, 10), profit: 300, margin: 0.3, revenue: 500 }),
  item("a", { scores: scores(90, 20, 50), profit: 100, margin: 0.1, revenue: 1000 }),
]);

const NO_FILTERS: SegmentFilters = { dimensions: {} };

function request(fields: Partial<SegmentListRequest> = {}): SegmentListRequest {
  return { filters: NO_FILTERS, sort: "focus", order: "desc", limit: 500, ...fields };
}

const ids = (page: { items: readonly { id: string }[] }) => page.items.map((segment) => segment.id);

describe("a page of the segment list", () => {
  it.each([
    ["focus", "desc", "a b d c e"],
    ["focus", "asc", "e c b d a"],
    ["profit", "desc", "b d a e c"],
    ["profit", "asc", "c e a d b"],
    ["margin", "desc", "c b a e d"],
    ["margin", "asc", "d e a b c"],
    ["growth", "desc", "b c e d a"],
    ["growth", "asc", "a d c e b"],
    ["defensibility", "desc", "c d a e b"],
    ["defensibility", "asc", "b e a d c"],
    ["revenue", "desc", "c a b d e"],
    ["revenue", "asc", "e d b a c"],
  ] as const)("sorts by %s %s, ties by segment id in either order", (sort, order, expected) => {
    const page = segmentListPage(SORTABLE, request({ sort, order }));
    expect(ids(page).join(" ")).toBe(expected);
    expect(page.total).toBe(5);
    expect(page.cursor).toBeUndefined();
  });

  /** Each segment but "in" fails exactly one of the filters. */
  const FILTERABLE = snapshotOf([
    item("in-1", { focus: 60 }),
    item("in-2", {
      focus: 80,
      decision: "fix",
      profitClass: "drain",
      values: { channel: "retail", region: "east" },
    }),
    item("wrong-decision", { decision: "develop" }),
    item("wrong-class", { profitClass: "desert" }),
    item("wrong-channel", { values: { channel: "direct", region: "west" } }),
    item("wrong-region", { values: { channel: "online", region: "south" } }),
    item("too-small", { revenue: 149.99 }),
    item("no-region", { values: { channel: "online" } }),
  ]);
  const COMBINED: SegmentFilters = {
    decision: ["choose", "fix"],
    profitClass: ["peak", "drain"],
    dimensions: { channel: ["online", "retail"], region: ["west", "east"] },
    minRevenue: 150,
  };

  it("keeps only the segments that pass every filter, any of the values within one", () => {
    const page = segmentListPage(FILTERABLE, request({ filters: COMBINED }));
    expect(ids(page)).toEqual(["in-2", "in-1"]);
    expect(page.total).toBe(2);
  });

  it("keeps a segment whose revenue equals minRevenue", () => {
    const page = segmentListPage(FILTERABLE, request({ filters: { ...COMBINED, minRevenue: 149.99 } }));
    expect(ids(page)).toEqual(["in-2", "in-1", "too-small"]);
  });

  it("answers the list items as the snapshot holds them", () => {
    const page = segmentListPage(FILTERABLE, request({ filters: COMBINED, limit: 1 }));
    expect(page.items).toEqual([FILTERABLE.segments[1]]);
  });

  it("walks the list page by page, each segment once and in the order of a single page", () => {
    const many = snapshotOf(
      Array.from({ length: 23 }, (_, i) => item(`s${String(i).padStart(2, "0")}`, { focus: i % 4 })),
    );
    const whole = ids(segmentListPage(many, request()));
    const walked: string[] = [];
    let offset = 0;
    for (let pages = 1; ; pages++) {
      const page = segmentListPage(many, request({ limit: 5 }), offset);
      expect(page.total).toBe(23);
      walked.push(...ids(page));
      if (!page.cursor) {
        expect(pages).toBe(5);
        break;
      }
      offset = cursorOffset(decodeSegmentListCursor(page.cursor), "run-1", request({ limit: 5 }));
    }
    expect(walked).toEqual(whole);
    expect(new Set(walked).size).toBe(23);
  });

  it("answers an empty page, without a cursor, when nothing matches", () => {
    const page = segmentListPage(SORTABLE, request({ filters: { dimensions: { channel: ["none"] } } }));
    expect(page).toEqual({ total: 0, items: [] });
  });

  it.each([
    ["a first page, with a cursor", request({ limit: 2 })],
    ["a last page, without one", request({ limit: 100 })],
    ["an empty page", request({ filters: { dimensions: { channel: ["none"] } } })],
  ])("serializes %s to the JSON of the page itself, again and again", (_, asked) => {
    const page = segmentListPage(SORTABLE, asked);
    expect(JSON.parse(segmentListPageJson(page))).toEqual(JSON.parse(JSON.stringify(page)));
    expect(segmentListPageJson(page)).toBe(segmentListPageJson(page));
  });
});

describe("a segment list cursor", () => {
  const firstPage = (fields: Partial<SegmentListRequest> = {}) =>
    segmentListPage(SORTABLE, request({ limit: 2, ...fields })).cursor as string;
  const refusal = (act: () => unknown) => {
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      const { status, code, details } = error as ApiError;
      return { status, code, reason: (details as { reason?: string } | undefined)?.reason };
    }
    throw new Error("expected the cursor to be refused");
  };

  it("continues the same list whatever the order its filters are written in", () => {
    const written = {
      decision: ["fix", "choose", "decline"],
      dimensions: { region: ["west"], channel: ["online"] },
    };
    const rewritten = {
      decision: ["choose", "decline", "fix"],
      dimensions: { channel: ["online"], region: ["west"] },
    };
    const cursor = decodeSegmentListCursor(firstPage({ filters: written as SegmentFilters }));
    expect(cursorOffset(cursor, "run-1", request({ limit: 2, filters: rewritten as SegmentFilters }))).toBe(
      2,
    );
  });

  it("is refused for another run, with the reason run_changed", () => {
    const cursor = decodeSegmentListCursor(firstPage());
    expect(refusal(() => cursorOffset(cursor, "run-2", request()))).toEqual({
      status: 400,
      code: "INVALID_CURSOR",
      reason: "run_changed",
    });
  });

  it.each([
    ["another sort", { sort: "revenue" }],
    ["another order", { order: "asc" }],
    ["another filter", { filters: { dimensions: { channel: ["online"] } } }],
    ["another minimum revenue", { filters: { dimensions: {}, minRevenue: 1 } }],
  ] as const)("is refused for %s, with the reason list_changed", (_, fields) => {
    const cursor = decodeSegmentListCursor(firstPage());
    expect(
      refusal(() => cursorOffset(cursor, "run-1", request(fields as Partial<SegmentListRequest>))),
    ).toEqual({
      status: 400,
      code: "INVALID_CURSOR",
      reason: "list_changed",
    });
  });

  it.each([
    ["not base64url JSON", "not-a-cursor"],
    ["JSON of another shape", Buffer.from(JSON.stringify({ offset: 2 })).toString("base64url")],
    [
      "an offset of 0",
      Buffer.from(JSON.stringify({ run: "run-1", offset: 0, list: "x" })).toString("base64url"),
    ],
    [
      "an extra field",
      Buffer.from(JSON.stringify({ run: "r", offset: 2, list: "x", y: 1 })).toString("base64url"),
    ],
  ])("is refused when it is %s", (_, cursor) => {
    expect(refusal(() => decodeSegmentListCursor(cursor))).toEqual({
      status: 400,
      code: "INVALID_CURSOR",
      reason: undefined,
    });
  });

  it("is refused when it points past the end of the list", () => {
    const { list } = decodeSegmentListCursor(firstPage());
    const forged = decodeSegmentListCursor(
      Buffer.from(JSON.stringify({ run: "run-1", offset: 5, list })).toString("base64url"),
    );
    const offset = cursorOffset(forged, "run-1", request());
    expect(refusal(() => segmentListPage(SORTABLE, request(), offset))).toMatchObject({ reason: "past_end" });
  });
});

describe("GET /schemes/{schemeId}/segments", () => {
  const listed = (schemeId: string) => {
    const scheme = RESULT.schemes.find((candidate) => candidate.id === schemeId);
    return asJson(segmentSnapshotOf(scheme as ScoringResult["schemes"][number], "run-1").segments);
  };

  it("lists the segments best focus first with their list fields, 100 a page unless told", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(authorised.get("planner", "/schemes/channel/segments"));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      total: 6,
      items: ["direct", "online", "pilot", "wholesale", "outlet", "warranty"].map((id) =>
        listed("channel").find((segment) => segment.id === id),
      ),
    });
    const direct = RESULT.schemes[0]?.segments.find((segment) => segment.id === "direct");
    expect(answer.body.items[0]).toEqual({
      id: "direct",
      values: { channel: "direct" },
      decision: "choose",
      profitClass: "peak",
      scores: direct?.scores,
      revenue: 5280,
      profit: 2352,
      margin: direct?.metrics.margin,
      customers: 3,
      costToServeIntensity: direct?.metrics.costToServeIntensity,
      opportunity: 0,
      reason: direct?.reasons[0]?.message,
    });
    expect(answer.body.items[0].reason).toMatch(/\w/);
  });

  it("filters on decision, profit class, dimension values and revenue at once", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(
      authorised.get(
        "leader",
        "/schemes/channel+category/segments?decision=fix,decline&decision=choose&profitClass=peak,drain&dim.channel=direct,wholesale,outlet&dim.category=tools,paint&minRevenue=2000&sort=revenue&order=asc",
      ),
    );
    expect(answer.status).toBe(200);
    // outlet|paint has revenue 1980; direct|tools 2400, direct|paint 2880, wholesale|tools 9600.
    expect(ids(answer.body)).toEqual(["direct|tools", "direct|paint", "wholesale|tools"]);
    expect(answer.body.total).toBe(3);
  });

  it("pages with a cursor bound to the list, each segment once, until the last page has none", async () => {
    const { call } = await segmentsApi(RESULT);
    const query = "sort=focus&order=asc&profitClass=drain,desert,niche&limit=4";
    const walked: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await call(
        authorised.get("planner", `/schemes/customer/segments?${query}${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(13);
      walked.push(...ids(answer.body));
      cursor = answer.body.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    const single = await call(
      authorised.get("planner", `/schemes/customer/segments?${query.replace("limit=4", "limit=500")}`),
    );
    expect(walked).toEqual(ids(single.body));
    expect(new Set(walked).size).toBe(13);
  });

  it("refuses the next page with 400 INVALID_CURSOR once the scheme has been scored again", async () => {
    const before = await segmentsApi(RESULT, "run-1");
    const first = await before.call(authorised.get("planner", "/schemes/channel/segments?limit=2"));
    const after = await segmentsApi(RESULT, "run-2", before.blobs);
    const next = await after.call(
      authorised.get("planner", `/schemes/channel/segments?limit=2&cursor=${first.body.cursor}`),
    );
    expect(next.status).toBe(400);
    expect(next.body.error).toEqual({
      code: "INVALID_CURSOR",
      message:
        "the segments have been scored again since this cursor was issued; start again from the first page",
      details: { reason: "run_changed" },
    });
  });

  it("refuses a cursor with other filters or another sort than the page it came from", async () => {
    const { call } = await segmentsApi(RESULT);
    const first = await call(authorised.get("planner", "/schemes/channel/segments?limit=2"));
    const next = await call(
      authorised.get("planner", `/schemes/channel/segments?limit=2&sort=profit&cursor=${first.body.cursor}`),
    );
    expect(next.status).toBe(400);
    expect(next.body.error).toMatchObject({ code: "INVALID_CURSOR", details: { reason: "list_changed" } });
  });

  it("refuses a cursor it did not issue before reading any store", async () => {
    const { call, repository, blobs } = await segmentsApi(RESULT);
    const getScheme = vi.spyOn(repository, "getScheme");
    const getBytes = vi.spyOn(blobs, "getBytes");
    const answer = await call(authorised.get("planner", "/schemes/channel/segments?cursor=forged"));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: "INVALID_CURSOR",
      message: "the cursor is not one this service issued for this list",
    });
    expect(getScheme).not.toHaveBeenCalled();
    expect(getBytes).not.toHaveBeenCalled();
  });

  it("reads the snapshot from the bucket once while warm", async () => {
    const { call, blobs } = await segmentsApi(RESULT);
    const getBytes = vi.spyOn(blobs, "getBytes");
    for (const sort of ["focus", "profit", "margin"]) {
      const answer = await call(authorised.get("planner", `/schemes/customer/segments?sort=${sort}`));
      expect(answer.status).toBe(200);
    }
    expect(getBytes.mock.calls).toEqual([[segmentSnapshotKey("run-1", "customer")]]);
  });

  it("reads the scheme again when a run replaced the snapshot meanwhile, and answers from the new run", async () => {
    const { call, repository, blobs } = await segmentsApi(RESULT, "run-2");
    const current = await repository.getScheme("channel");
    vi.spyOn(repository, "getScheme").mockResolvedValueOnce(current && { ...current, runId: "run-1" });
    const answer = await call(authorised.get("planner", "/schemes/channel/segments?limit=1"));
    expect(answer.status).toBe(200);
    expect(decodeSegmentListCursor(answer.body.cursor).run).toBe("run-2");
    expect(blobs.objects.has(segmentSnapshotKey("run-1", "channel"))).toBe(false);
  });

  it("answers 503 SEGMENT_LIST_UNAVAILABLE when the run the scheme names wrote no snapshot", async () => {
    const { call, blobs } = await segmentsApi(RESULT);
    await blobs.delete(segmentSnapshotKey("run-1", "channel"));
    const answer = await call(authorised.get("planner", "/schemes/channel/segments"));
    expect(answer.status).toBe(503);
    expect(answer.body.error).toEqual({
      code: "SEGMENT_LIST_UNAVAILABLE",
      message:
        'the segment list of scheme "channel" from scoring run "run-1" is not stored; the next scoring run writes it',
      details: { schemeId: "channel", runId: "run-1" },
    });
  });

  it("answers 404 SCHEME_NOT_FOUND for an unknown scheme", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(authorised.get("planner", "/schemes/region/segments"));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: { code: "SCHEME_NOT_FOUND", message: 'no scheme has the id "region"' },
    });
  });

  it("refuses a filter on a dimension the scheme does not have, naming it and the scheme's dimensions", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(
      authorised.get("planner", "/schemes/channel/segments?dim.channel=online&dim.region=west"),
    );
    expectInvalidRequest(answer, [
      {
        path: "query.dim.region",
        message: 'scheme "channel" has no dimension "region"; its dimensions are channel',
      },
    ]);
  });

  it.each([
    ["sort=name", "query.sort"],
    ["order=up", "query.order"],
    ["decision=choose,maybe", "query.decision"],
    ["profitClass=hill", "query.profitClass"],
    ["minRevenue=lots", "query.minRevenue"],
    ["dim.channel=online,,direct", "query.dim.channel"],
    ["colour=red", "query.colour"],
    ["dim.2nd=x", "query.dim.2nd"],
  ])("refuses %s with 400, naming %s", async (query, path) => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(authorised.get("planner", `/schemes/channel/segments?${query}`));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_REQUEST");
    expect(answer.body.error.details.map((issue: { path: string }) => issue.path)).toEqual([path]);
  });

  it.each([
    ["0", "Too small: expected number to be >=1"],
    ["501", "Too big: expected number to be <=500"],
    ["ten", "limit is a whole number from 1 to 500"],
    ["1,2", "limit is a whole number from 1 to 500"],
  ])("refuses limit=%s, naming query.limit", async (limit, message) => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(
      authorised.get("planner", `/schemes/channel/segments?limit=${encodeURIComponent(limit)}`),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: "query.limit", message }]);
  });

  it("names the values it does not know in a refused decision filter", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(authorised.get("planner", "/schemes/channel/segments?decision=choose,maybe"));
    expect(answer.body.error.details).toEqual([
      {
        path: "query.decision",
        message:
          'decision is one or more of choose, develop, fix, decline, insufficient_data, separated by commas; not "maybe"',
      },
    ]);
  });

  it("refuses a cursor longer than 2048 characters and a scheme id with a dash, naming both", async () => {
    const { call } = await segmentsApi(RESULT);
    const answer = await call(
      authorised.get("planner", `/schemes/sales-channel/segments?cursor=${"c".repeat(2049)}`),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue: { path: string }) => issue.path)).toEqual([
      "params.schemeId",
      "query.cursor",
    ]);
  });
});
