import { describe, expect, it } from "vitest";
import { CSV_EXPORT_MAX_ROWS } from "#api/routes/decisions.ts";
import type { DecisionList } from "#domain/decision-list.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoredSegment, type ScoringResult, scoreCube } from "#domain/scoring.ts";
import type { PageRequest, ScoreRepository } from "#store/score-repository.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import {
  apiEvent,
  authorised,
  type Claims,
  callApi,
  expectDocumented,
  lambdaContext,
  memoryApi,
  TOKENS,
} from "./api-harness.ts";

/** A list of the board as CSV, for leadership's spreadsheet: `GET /schemes/{schemeId}/decisions?format=csv`. */

const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

const BOM = "\uFEFF";

function setup(repository: ScoreRepository = MemoryScoreRepository.withScores(RESULT, "run-1")) {
  const { handler } = memoryApi({ scores: repository });
  return {
    /** The answer as sent: a CSV body is text, not JSON. */
    async get(path: string, claims: Claims = TOKENS.leader) {
      const answer = await handler(apiEvent({ method: "GET", path, claims }), lambdaContext());
      expectDocumented({ method: "GET", path }, answer);
      return { status: answer.statusCode, headers: answer.headers ?? {}, text: answer.body ?? "" };
    },
    post: (path: string, body: unknown) => callApi(handler, authorised.post("leader", path, body)),
  };
}

/** The lines of a CSV answer, without the byte-order mark and the final line end. */
function linesOf(text: string): string[] {
  expect(text.startsWith(BOM)).toBe(true);
  expect(text.endsWith("\r\n")).toBe(true);
  return text.slice(BOM.length, -2).split("\r\n");
}

describe("GET /schemes/{schemeId}/decisions?format=csv", () => {
  it("answers CSV to a client whose Accept header asks for text/csv, as to ?format=csv", async () => {
    const { get } = setup();
    const { handler } = memoryApi({ scores: MemoryScoreRepository.withScores(RESULT, "run-1") });
    const event = apiEvent(authorised.get("leader", "/schemes/channel/decisions?list=no"));
    const asked = await handler(
      { ...event, headers: { ...event.headers, accept: "text/csv, */*;q=0.1" } },
      lambdaContext(),
    );
    expect(asked.headers?.["content-type"]).toBe("text/csv; charset=utf-8");
    expect(asked.body).toBe((await get("/schemes/channel/decisions?list=no&format=csv")).text);
  });

  it("exports a list with one column per dimension, the standing decision, and the first reason quoted", async () => {
    const { get, post } = setup();
    await post("/schemes/channel+category/segments/direct%7Ctools/decision", {
      action: "override",
      decision: "decline",
      rationale: "Tools sold direct have stopped; close the line.",
    });

    const answer = await get("/schemes/channel+category/decisions?list=fix&format=csv");
    const outletNpv = Math.round(
      RESULT.schemes
        .find((scheme) => scheme.id === "channel+category")
        ?.segments.find((s) => s.id === "outlet|paint")?.projection.npv ?? Number.NaN,
    );

    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="channel+category-fix.csv"',
      "x-row-count": "3",
    });
    expect(answer.headers).not.toHaveProperty("x-truncated");
    expect(linesOf(answer.text)).toEqual([
      "segment,channel,category,decision,state,standing_decision,needs_review,profit_class,revenue,profit,margin,focus,profitability,growth,defensibility,reason",
      'wholesale|tools,wholesale,tools,fix,recommended,fix,no,drain,9600,1200,0.125,45.78,53.33,35.17,46.33,"A profit drain, large but below the company margin: revenue 9,600 ≥ median 1,980, margin 12.5% < company 20.4%."',
      'direct|tools,direct,tools,fix,overridden,decline,no,peak,2400,1056,0.44,40.42,66.67,0,45.83,"A profit peak, large and profitable: revenue 2,400 ≥ median 1,980, margin 44.0% ≥ company 20.4%."',
      `outlet|paint,outlet,paint,fix,recommended,fix,no,drain,1980,-252,-0.1273,30.1,10,28.67,58.33,Projected profit is worth ${outletNpv} today: it destroys value as it is.`,
    ]);
  });

  it("exports every page of the list, however few rows the store answers at a time", async () => {
    const memory = MemoryScoreRepository.withScores(RESULT, "run-1");
    const pages: Array<string | undefined> = [];
    const onePerPage: ScoreRepository = Object.assign(Object.create(memory), {
      listDecisions: (schemeId: string, list: DecisionList, page: PageRequest) => {
        pages.push(page.cursor);
        return memory.listDecisions(schemeId, list, { limit: 1, cursor: page.cursor });
      },
    });
    const { get } = setup(onePerPage);

    const answer = await get("/schemes/channel/decisions?list=fix&format=csv");

    expect(linesOf(answer.text).map((line) => line.split(",")[0])).toEqual([
      "segment",
      "wholesale",
      "outlet",
    ]);
    expect(pages).toEqual([undefined, "1"]);
  });

  it("neutralises text a spreadsheet would run as a formula, and quotes quotes, commas and line breaks", async () => {
    const names: Record<string, string> = {
      direct: '=HYPERLINK("http://evil.example","open")',
      online: "@SUM(A1:A9)",
      wholesale: "+44 20 7946 0000",
      outlet: "-1+2",
      warranty: 'Smith "Bros", Inc\nEast',
    };
    const renamed: ScoringResult = {
      ...RESULT,
      schemes: RESULT.schemes
        .filter((scheme) => scheme.id === "channel")
        .map((scheme) => ({
          ...scheme,
          segments: scheme.segments.map((segment): ScoredSegment => {
            const name = names[segment.id] ?? segment.id;
            return { ...segment, id: name, values: { channel: name } };
          }),
        })),
    };
    const { get } = setup(MemoryScoreRepository.withScores(renamed, "run-1"));

    const rows: string[] = [];
    for (const list of ["yes", "fix", "no"]) {
      const answer = await get(`/schemes/channel/decisions?list=${list}&format=csv`);
      rows.push(answer.text.slice(BOM.length));
    }
    const text = rows.join("");

    expect(text).toContain(
      `"'=HYPERLINK(""http://evil.example"",""open"")","'=HYPERLINK(""http://evil.example"",""open"")",choose,`,
    );
    expect(text).toContain("\r\n'@SUM(A1:A9),'@SUM(A1:A9),develop,");
    expect(text).toContain("\r\n'+44 20 7946 0000,'+44 20 7946 0000,fix,");
    expect(text).toContain("\r\n'-1+2,'-1+2,fix,");
    expect(text).toContain('\r\n"Smith ""Bros"", Inc\nEast","Smith ""Bros"", Inc\nEast",decline,');
    // Numbers stay numbers, negative ones included: a spreadsheet must be able to sum them.
    expect(text).toContain(",drain,1980,-252,-0.1273,");
  });

  it(`stops at ${CSV_EXPORT_MAX_ROWS.toLocaleString("en-US")} rows and says so in a header`, async () => {
    const memory = MemoryScoreRepository.withScores(RESULT, "run-1");
    const direct = await memory.getSegment("channel", "direct");
    let served = 0;
    const endless: ScoreRepository = Object.assign(Object.create(memory), {
      listDecisions: async (_schemeId: string, _list: DecisionList, page: PageRequest) => {
        served += page.limit;
        return { items: Array.from({ length: page.limit }, () => direct), cursor: String(served) };
      },
    });
    const { get } = setup(endless);

    const answer = await get("/schemes/channel/decisions?list=yes&format=csv");

    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      "x-row-count": String(CSV_EXPORT_MAX_ROWS),
      "x-truncated": `only the first ${CSV_EXPORT_MAX_ROWS} rows`,
    });
    expect(linesOf(answer.text)).toHaveLength(CSV_EXPORT_MAX_ROWS + 1);
  });

  it("answers 404 SCHEME_NOT_FOUND as JSON for an unknown scheme, and 400 for an unknown format", async () => {
    const { get } = setup();

    const unknown = await get("/schemes/region/decisions?format=csv");
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe("SCHEME_NOT_FOUND");

    const xml = await get("/schemes/channel/decisions?format=xml");
    expect(xml.status).toBe(400);
    expect(JSON.parse(xml.text).error.details).toEqual([
      { path: "query.format", message: "format is json or csv" },
    ]);
  });

  it("is for planners and leaders, not the ERP's ingest client (403)", async () => {
    const { get } = setup();

    expect((await get("/schemes/channel/decisions?format=csv", TOKENS.planner)).status).toBe(200);
    expect((await get("/schemes/channel/decisions?format=csv", TOKENS.ingest)).status).toBe(403);
  });
});
