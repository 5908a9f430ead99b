import { describe, expect, it, vi } from "vitest";
import { fitCheck, NEW_KIND_NOTE } from "#domain/fit.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { authorised, memoryApi } from "./api-harness.ts";

/**
 * The channel fixture's decisions. channel: direct choose, online develop, wholesale and outlet fix
 * (the outlet by repair), warranty decline, pilot insufficient_data. channel+category: direct|paint
 * choose, direct|tools and outlet|paint fix, online|garden develop, warranty|lighting decline.
 * customer: every one insufficient_data.
 */
const RESULT: ScoringResult = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

function setup() {
  const repository = MemoryScoreRepository.withScores(RESULT, "run-1");
  const { call } = memoryApi({ scores: repository });
  const checkFit = (prospect: unknown) => call(authorised.post("planner", "/fit", prospect));
  return { repository, checkFit };
}

describe("POST /fit", () => {
  it.each([
    ["yes", { channel: "online", category: "garden" }],
    ["no", { channel: "warranty", category: "lighting" }],
    ["mixed", { channel: "direct", category: "tools" }],
    ["unknown", { channel: "pilot" }],
  ])(
    "says %s as the fit check over the full scoring run does, from the stored segments alone",
    async (overall, prospect) => {
      const { checkFit } = setup();
      const answer = await checkFit(prospect);
      expect(answer.status).toBe(200);
      expect(answer.body.overall).toBe(overall);
      expect(answer.body).toEqual(JSON.parse(JSON.stringify(fitCheck(RESULT, prospect))));
    },
  );

  it("says yes to a prospect in a segment to choose, with the segment's reasons, and names the schemes it lacks dimensions for", async () => {
    const { checkFit } = setup();
    const answer = await checkFit({ channel: "direct" });
    expect(answer.body).toMatchObject({
      overall: "yes",
      segments: [{ scheme: "channel", segmentId: "direct", decision: "choose", sayYes: true }],
      unmatched: [
        { scheme: "customer", missing: ["customer"] },
        { scheme: "channel+category", missing: ["category"] },
      ],
      ignored: [],
    });
    expect(answer.body.segments[0].reasons.length).toBeGreaterThan(0);
    expect(answer.body.summary).toMatch(/^Say yes: /);
  });

  it("calls a combination the data has never seen a new kind of customer, and lists dimensions no scheme uses", async () => {
    const { checkFit } = setup();
    const answer = await checkFit({ channel: "marketplace", region: "west" });
    expect(answer.body).toMatchObject({
      overall: "unknown",
      segments: [
        {
          scheme: "channel",
          segmentId: "marketplace",
          values: { channel: "marketplace" },
          decision: null,
          note: NEW_KIND_NOTE,
        },
      ],
      ignored: ["region"],
    });
  });

  it("looks up only the segments of schemes whose every dimension the prospect gives", async () => {
    const { checkFit, repository } = setup();
    const getSegment = vi.spyOn(repository, "getSegment");
    await checkFit({ channel: "online", category: "garden" });
    expect(getSegment.mock.calls).toEqual([
      ["channel", "online"],
      ["channel+category", "online|garden"],
    ]);
  });

  it("places a value too long for any segment id as a new kind of customer without looking it up", async () => {
    const { checkFit, repository } = setup();
    const getSegment = vi.spyOn(repository, "getSegment");
    const answer = await checkFit({ channel: "x".repeat(600) });
    expect(answer.body.segments).toEqual([expect.objectContaining({ scheme: "channel", decision: null })]);
    expect(getSegment).not.toHaveBeenCalled();
  });

  it("answers unknown, placing nothing, before any scoring run", async () => {
    const { checkFit, repository } = setup();
    vi.spyOn(repository, "listSchemes").mockResolvedValue([]);
    const answer = await checkFit({ channel: "direct" });
    expect(answer.body).toMatchObject({
      overall: "unknown",
      segments: [],
      unmatched: [],
      ignored: ["channel"],
    });
  });

  it.each([
    [
      "no dimension at all",
      {},
      "body",
      "give at least one dimension value of the prospect, such as { channel: online }",
    ],
    ["an empty value", { channel: "" }, "body.channel", "give a value for the dimension, or leave it out"],
    [
      "a dimension name no scheme could use",
      { "sales channel": "online" },
      "body.sales channel",
      "a name uses letters, digits and _ and starts with a letter",
    ],
  ])("refuses a prospect with %s, naming where", async (_, prospect, path, message) => {
    const { checkFit } = setup();
    const answer = await checkFit(prospect);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path, message }]);
  });
});
