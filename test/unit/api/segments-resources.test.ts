import { afterEach, describe, expect, it, vi } from "vitest";
import { forceOfChangeSchema } from "#domain/forces.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoredSegment, type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { authorised } from "./api-harness.ts";
import { asJson, segmentsApi } from "./segments-api.ts";

const DIGITAL_GIANT = forceOfChangeSchema.parse({
  id: "digital-giant",
  name: "A digital giant enters arm's-length ordering",
  match: { channel: "online" },
  volumeGrowth: -0.4,
  priceRealization: -0.1,
});
const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY, [DIGITAL_GIANT]);

function scored(schemeId: string, segmentId: string): ScoredSegment {
  const segment = RESULT.schemes
    .find((scheme) => scheme.id === schemeId)
    ?.segments.find((candidate) => candidate.id === segmentId);
  if (!segment) throw new Error(`no segment ${segmentId} in ${schemeId}`);
  return segment;
}

const get = async (path: string) => (await segmentsApi(RESULT)).call(authorised.get("planner", path));

describe("GET /schemes/{schemeId}/segments/{segmentId}/history", () => {
  it("answers the monthly series from the segment's first month to the latest, with each month's margin", async () => {
    const answer = await get("/schemes/channel+category/segments/direct%7Cpaint/history");
    const { history } = scored("channel+category", "direct|paint");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      schemeId: "channel+category",
      segmentId: "direct|paint",
      firstMonth: "2024-01",
      lastMonth: "2024-12",
    });
    expect(answer.body.months).toHaveLength(12);
    expect(answer.body.months[2]).toEqual({
      month: "2024-03",
      revenue: history.revenue[2],
      profit: history.profit[2],
      margin: (history.profit[2] as number) / (history.revenue[2] as number),
    });
    expect(answer.body.months.map((month: { month: string }) => month.month).at(-1)).toBe("2024-12");
  });

  it("gives a month without revenue a null margin", async () => {
    const answer = await get("/schemes/channel/segments/warranty/history");
    expect(answer.body.months).toHaveLength(24);
    expect(answer.body.months[0]).toEqual({ month: "2023-01", revenue: 0, profit: -10, margin: null });
  });

  it("answers a segment of one month", async () => {
    const answer = await get("/schemes/channel/segments/pilot/history");
    expect(answer.body).toMatchObject({ firstMonth: "2024-12", lastMonth: "2024-12" });
    expect(answer.body.months).toHaveLength(1);
  });
});

describe("GET /schemes/{schemeId}/segments/{segmentId}/projection", () => {
  it("answers the base years and NPV, and each force of change with its exposure and effect", async () => {
    const answer = await get("/schemes/channel/segments/online/projection");
    const { projection } = scored("channel", "online");
    const [force] = projection.forces;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      asJson({
        schemeId: "channel",
        segmentId: "online",
        base: {
          years: projection.years,
          npv: projection.npv,
          npvP10: projection.npvP10,
          npvP90: projection.npvP90,
          model: projection.model,
        },
        forces: [
          {
            forceId: "digital-giant",
            name: "A digital giant enters arm's-length ordering",
            exposure: 1,
            years: force?.years,
            npv: force?.npv,
            npvChange: force?.npvChange,
            threatened: true,
            helped: false,
          },
        ],
      }),
    );
    expect(answer.body.base.years).toHaveLength(DEFAULT_POLICY.projection.horizonYears);
  });

  it("shows a segment the force does not reach as neither threatened nor helped", async () => {
    const answer = await get("/schemes/channel/segments/direct/projection");
    expect(answer.body.forces).toEqual([
      expect.objectContaining({
        forceId: "digital-giant",
        exposure: 0,
        npvChange: 0,
        threatened: false,
        helped: false,
      }),
    ]);
  });
});

describe("GET /schemes/{schemeId}/segments/{segmentId}/differentiators", () => {
  it("answers what sets the segment's customers apart, highest lift first", async () => {
    const answer = await get("/schemes/customer/segments/D1/differentiators");
    const { differentiators } = scored("customer", "D1");
    expect(differentiators.length).toBeGreaterThan(0);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(asJson({ schemeId: "customer", segmentId: "D1", differentiators }));
  });

  it("answers an empty list for a segment without any", async () => {
    const answer = await get("/schemes/channel/segments/warranty/differentiators");
    expect(answer.body.differentiators).toEqual([]);
  });
});

describe("GET /schemes/{schemeId}/whale-curve", () => {
  it("answers the headline numbers and the curve's points", async () => {
    const answer = await get("/schemes/channel/whale-curve");
    const curve = RESULT.schemes[0]?.whaleCurve;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      schemeId: "channel",
      runId: "run-1",
      headline: {
        peakShare: curve?.peakShare,
        peakAt: 4 / 6,
        lossSegmentShare: 2 / 6,
        lossSegments: 2,
        segmentCount: 6,
        totalProfit: 3772,
      },
      points: curve?.points.map(([segmentShare, profitShare]) => ({ segmentShare, profitShare })),
    });
    expect(answer.body.headline.peakShare).toBeCloseTo(4174 / 3772, 12);
    expect(answer.body.points.at(-1)).toEqual({ segmentShare: 1, profitShare: 1 });
  });
});

describe("GET /schemes/{schemeId}/cost-pools", () => {
  it("answers the components, the median intensity and the largest opportunities first", async () => {
    const answer = await get("/schemes/channel/cost-pools");
    const pools = RESULT.schemes[0]?.costPools;
    const wholesale = scored("channel", "wholesale").metrics.opportunity;
    const outlet = scored("channel", "outlet").metrics.opportunity;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      schemeId: "channel",
      runId: "run-1",
      revenue: 18520,
      costToServe: 1238 + 918 + 240,
      medianIntensity: pools?.medianIntensity,
      components: pools?.components,
      opportunity: { total: wholesale + outlet, segments: 2 },
    });
    expect(answer.body.topSegments.map((segment: { id: string }) => segment.id)).toEqual([
      "wholesale",
      "outlet",
    ]);
    expect(answer.body.topSegments[0]).toMatchObject({
      id: "wholesale",
      values: { channel: "wholesale" },
      decision: "fix",
      costToServeIntensity: 0.175,
      opportunity: wholesale,
    });
  });

  it("answers only the top segments asked for, ties by segment id", async () => {
    // W1 925.09, W2 and W3 115.64 each, then U1, U2 and U3 36 each.
    const answer = await get("/schemes/customer/cost-pools?top=4");
    expect(answer.body.topSegments.map((segment: { id: string }) => segment.id)).toEqual([
      "W1",
      "W2",
      "W3",
      "U1",
    ]);
    expect(answer.body.opportunity.segments).toBe(6);
  });

  it.each(["0", "101", "many"])("refuses top=%s, naming query.top", async (top) => {
    const answer = await get(`/schemes/channel/cost-pools?top=${top}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((issue: { path: string }) => issue.path)).toEqual(["query.top"]);
  });
});

describe("GET /schemes/{schemeId}/forecast-accuracy", () => {
  it("answers the backtest the scoring run kept for the scheme, with its run, latest month and a sentence", async () => {
    const answer = await get("/schemes/channel/forecast-accuracy");
    const accuracy = RESULT.schemes[0]?.forecastAccuracy;
    expect(accuracy).not.toBeNull();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      asJson({
        schemeId: "channel",
        runId: "run-1",
        latestMonth: "2024-12",
        accuracy,
        summary:
          "Over 1 cut-off the projection's year-1 revenue was off by 13% (WAPE), against 13% for 'same as the last 12 months' and 13% for seasonal naive; projections use the fitted model.",
      }),
    );
    expect(answer.body.accuracy).toMatchObject({
      holdoutMonths: 12,
      cutoffs: ["2023-12"],
      segmentsEvaluated: 5,
      segments: 6,
      chosen: "fitted",
      fittedBeats: { trailingYearNaive: { ofSegments: 5, ofCutoffs: 1 } },
    });
    expect(answer.body.accuracy.methods.fitted.revenue.wape).toBeCloseTo(3 / 23, 12);
  });

  it("passes on figures a later backtest adds, so that clients see them before the schema names them", async () => {
    const accuracy = RESULT.schemes[0]?.forecastAccuracy;
    const result: ScoringResult = {
      ...RESULT,
      schemes: RESULT.schemes.map((scheme) =>
        scheme.id === "channel" && accuracy
          ? { ...scheme, forecastAccuracy: { ...accuracy, intervalCoverage: 0.8 } }
          : scheme,
      ),
    };
    const answer = await (await segmentsApi(result)).call(
      authorised.get("planner", "/schemes/channel/forecast-accuracy"),
    );
    expect(answer.body.accuracy.intervalCoverage).toBe(0.8);
  });

  it("answers a null backtest, and says why, for a scheme whose data is too short", async () => {
    const result: ScoringResult = {
      ...RESULT,
      schemes: RESULT.schemes.map((scheme) => ({ ...scheme, forecastAccuracy: null })),
    };
    const answer = await (await segmentsApi(result)).call(
      authorised.get("planner", "/schemes/customer/forecast-accuracy"),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      schemeId: "customer",
      runId: "run-1",
      latestMonth: "2024-12",
      accuracy: null,
      summary:
        "Too little history to backtest the projection: a cut-off needs 12 months before it and 12 after.",
    });
  });

  it.each([
    ["without a token", undefined, 401, "UNAUTHENTICATED"],
    ["with the ingest role", "ingest", 403, "FORBIDDEN"],
  ] as const)("refuses a caller %s", async (_, caller, status, code) => {
    const { call } = await segmentsApi(RESULT);
    const path = "/schemes/channel/forecast-accuracy";
    const answer = await call(caller ? authorised.get(caller, path) : { method: "GET", path });
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });
});

describe("unknown schemes and segments", () => {
  it.each([
    "/schemes/region/segments/west/history",
    "/schemes/region/segments/west/projection",
    "/schemes/region/segments/west/differentiators",
    "/schemes/region/whale-curve",
    "/schemes/region/cost-pools",
    "/schemes/region/forecast-accuracy",
  ])("GET %s answers 404 SCHEME_NOT_FOUND", async (path) => {
    const answer = await get(path);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({ code: "SCHEME_NOT_FOUND", message: 'no scheme has the id "region"' });
  });

  it.each(["", "/history", "/projection", "/differentiators"])(
    "GET /schemes/region/segments/west%s answers 404 SCHEME_NOT_FOUND, naming the scheme before the segment",
    async (resource) => {
      const answer = await get(`/schemes/region/segments/west${resource}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe("SCHEME_NOT_FOUND");
    },
  );

  it.each(["history", "projection", "differentiators"])(
    "GET …/segments/{segmentId}/%s answers 404 SEGMENT_NOT_FOUND in a known scheme",
    async (resource) => {
      const answer = await get(`/schemes/channel/segments/retail/${resource}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toEqual({
        code: "SEGMENT_NOT_FOUND",
        message: 'scheme "channel" has no segment "retail"',
      });
    },
  );

  it("reads a segment id with | from its encoded path", async () => {
    const answer = await get("/schemes/channel+category/segments/online%7Cgarden/differentiators");
    expect(answer.status).toBe(200);
    expect(answer.body.segmentId).toBe("online|garden");
  });
});

describe("a segment opened by a planner", () => {
  afterEach(() => vi.restoreAllMocks());

  const OPEN = ["", "/history", "/projection", "/differentiators"].map(
    (resource) => `/schemes/channel/segments/online${resource}`,
  );

  it("is read from the store once for its detail, history, projection and differentiators", async () => {
    const { call, repository } = await segmentsApi(RESULT);
    const read = vi.spyOn(repository, "getSegmentWithHistory");
    for (const path of [...OPEN, ...OPEN]) {
      expect((await call(authorised.get("planner", path))).status).toBe(200);
    }
    expect(read.mock.calls).toEqual([["channel", "online"]]);
  });

  it("is read again, and answered as the new run scored it, once its scheme names a later run", async () => {
    const { call, repository } = await segmentsApi(RESULT);
    const path = "/schemes/channel/segments/online";
    expect((await call(authorised.get("planner", path))).body.guidance).toBe(
      scored("channel", "online").guidance,
    );
    const scheme = await repository.getScheme("channel");
    const found = await repository.getSegmentWithHistory("channel", "online");
    vi.spyOn(repository, "getScheme").mockResolvedValue(scheme && { ...scheme, runId: "run-2" });
    const read = vi
      .spyOn(repository, "getSegmentWithHistory")
      .mockResolvedValue(
        found && { ...found, segment: { ...found.segment, guidance: "rescored", runId: "run-2" } },
      );
    // The scheme record is reused for a second; past it, the next request reads the later run.
    const later = Date.now() + 2_000;
    vi.spyOn(Date, "now").mockReturnValue(later);

    const answer = await call(authorised.get("planner", path));

    expect(read).toHaveBeenCalledTimes(1);
    expect(answer.body).toMatchObject({ guidance: "rescored", runId: "run-2" });
  });
});
