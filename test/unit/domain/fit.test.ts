import { describe, expect, it } from "vitest";
import { type FitMatch, fitCheck, NEW_KIND_NOTE, prospectSchema } from "#domain/fit.ts";
import { monthIndex } from "#domain/month.ts";
import { parsePolicy } from "#domain/policy.ts";
import { type ScoringResult, scoreCube } from "#domain/scoring.ts";
import { cubeOf, type TestLine } from "#test-support/invoice-lines.ts";

/** 24 monthly lines of one customer in one channel and category, 5% of revenue spent on freight. */
function customerLines(
  customer: string,
  channel: string,
  category: string,
  monthlyRevenue: (month: number) => number,
  margin: number,
): TestLine[] {
  return Array.from({ length: 24 }, (_, m) => {
    const revenue = monthlyRevenue(m) * 10_000;
    const freight = Math.round(revenue * 0.05);
    return {
      customer,
      order: `O${(m % 8) + 1}`,
      month: monthIndex(2023, 1) + m,
      channel,
      category,
      revenue,
      cogs: Math.round(revenue * (1 - margin)) - freight,
      freight,
      quantity: 10_000,
    };
  });
}

/**
 * Schemes channel, customer and channel+category. Online is large, profitable and growing (a peak);
 * retail large at a 5% margin (a drain); fax small, losing money and shrinking (declined); phone small
 * at a 10% margin but growing (a desert too defensible to decline); mail a growing niche customer.
 */
const lines = [
  ...customerLines("C1", "online", "tools", (m) => 1000 + 40 * m, 0.4),
  ...customerLines("C2", "online", "tools", (m) => 800 + 30 * m, 0.4),
  ...customerLines("C3", "retail", "paint", () => 1500, 0.05),
  ...customerLines("C4", "retail", "paint", () => 1400, 0.05),
  ...customerLines("C5", "fax", "paint", (m) => 300 - 10 * m, -0.05),
  ...customerLines("C6", "phone", "paint", (m) => 100 + 15 * m, 0.1),
  ...customerLines("C7", "mail", "lighting", (m) => 200 + 8 * m, 0.26),
];
const result = scoreCube(
  cubeOf(lines),
  parsePolicy({ minimumEvidence: { lines: 1, customers: 1, months: 1 } }),
);

/** The scored segment, to compare a fit check with. */
function scored(from: ScoringResult, scheme: string, id: string) {
  const segment = from.schemes.find((s) => s.id === scheme)?.segments.find((s) => s.id === id);
  if (!segment) throw new Error(`no segment ${scheme} ${id} in the fixture`);
  return segment;
}

/** What the fit check must say for a segment, read from the scoring result. */
function matchOf(from: ScoringResult, scheme: string, id: string): FitMatch {
  const segment = scored(from, scheme, id);
  return {
    scheme,
    segmentId: id,
    values: segment.values,
    decision: segment.decision,
    sayYes: segment.decision === "choose" || segment.decision === "develop",
    reasons: segment.reasons.slice(0, 3),
    guidance: segment.guidance,
  };
}

describe("the fixture's decisions", () => {
  it("chooses online, fixes retail and phone, declines fax and develops the mail customer", () => {
    const decision = (scheme: string, id: string) => scored(result, scheme, id).decision;
    expect(decision("channel", "online")).toBe("choose");
    expect(decision("channel+category", "online|tools")).toBe("choose");
    expect(decision("channel", "retail")).toBe("fix");
    expect(decision("channel", "fax")).toBe("decline");
    expect(decision("channel+category", "fax|paint")).toBe("decline");
    expect(decision("customer", "C5")).toBe("decline");
    expect(decision("channel", "phone")).toBe("fix");
    expect(decision("customer", "C3")).toBe("fix");
    expect(decision("customer", "C7")).toBe("develop");
    expect(decision("channel", "mail")).toBe("choose");
  });
});

describe("fitCheck", () => {
  it("says yes to an online tools buyer: both segments it falls into are chosen", () => {
    const fit = fitCheck(result, { channel: "online", category: "tools" });
    expect(fit.segments).toEqual([
      matchOf(result, "channel", "online"),
      matchOf(result, "channel+category", "online|tools"),
    ]);
    expect(fit.overall).toBe("yes");
    expect(fit.summary).toBe(
      "Say yes: every segment this prospect falls into that has a decision is one to choose or develop (channel online: choose; channel+category online|tools: choose).",
    );
  });

  it("lists the scheme it cannot place the prospect in, with the dimension the prospect lacks", () => {
    const fit = fitCheck(result, { channel: "online", category: "tools" });
    expect(fit.unmatched).toEqual([{ scheme: "customer", missing: ["customer"] }]);
  });

  it("counts develop as a yes", () => {
    const fit = fitCheck(result, { channel: "mail", category: "lighting", customer: "C7" });
    expect(fit.segments.map((s) => [s.scheme, s.decision, "sayYes" in s && s.sayYes])).toEqual([
      ["channel", "choose", true],
      ["customer", "develop", true],
      ["channel+category", "choose", true],
    ]);
    expect(fit.overall).toBe("yes");
    expect(fit.unmatched).toEqual([]);
  });

  it("says no when every segment is declined, and says to change the terms rather than serve badly", () => {
    const fit = fitCheck(result, { channel: "fax", category: "paint", customer: "C5" });
    expect(fit.segments).toEqual([
      matchOf(result, "channel", "fax"),
      matchOf(result, "customer", "C5"),
      matchOf(result, "channel+category", "fax|paint"),
    ]);
    expect(fit.segments.every((s) => s.decision === "decline")).toBe(true);
    expect(fit.overall).toBe("no");
    expect(fit.summary).toBe(
      "Say no to new business on the usual terms: every segment this prospect falls into that has a decision is declined (channel fax: decline; customer C5: decline; channel+category fax|paint: decline); if you take it, change the terms (minimum order, price, channel).",
    );
    expect((fit.segments[0] as FitMatch).guidance).toMatch(/Never serve existing customers badly/);
  });

  it("calls it mixed when the segments disagree, counting the yeses", () => {
    const fit = fitCheck(result, { channel: "online", category: "tools", customer: "C3" });
    expect(fit.segments.map((s) => s.decision)).toEqual(["choose", "fix", "choose"]);
    expect(fit.overall).toBe("mixed");
    expect(fit.summary).toBe(
      "Mixed: 2 of the 3 segments with a decision say yes (channel online: choose; customer C3: fix; channel+category online|tools: choose); read the reasons of the others before saying yes.",
    );
  });

  it("calls a prospect whose segments all need fixing mixed: neither a yes nor a no", () => {
    const fit = fitCheck(result, { channel: "retail", category: "paint" });
    expect(fit.segments.map((s) => [s.decision, "sayYes" in s && s.sayYes])).toEqual([
      ["fix", false],
      ["fix", false],
    ]);
    expect(fit.overall).toBe("mixed");
  });

  it("shows the first three reasons of a segment that has more", () => {
    expect(scored(result, "channel", "phone").reasons.map((r) => r.code)).toEqual([
      "desert",
      "defensible_desert",
      "cost_to_serve",
      "price_realization",
      // 10% against the company's margin
      "low_margin",
    ]);
    const [phone] = fitCheck(result, { channel: "phone" }).segments as FitMatch[];
    expect(phone?.reasons.map((r) => r.code)).toEqual(["desert", "defensible_desert", "cost_to_serve"]);
  });

  it("calls values the data has never seen together a new kind of customer, with no say in the verdict", () => {
    const fit = fitCheck(result, { channel: "online", category: "paint" });
    expect(fit.segments).toEqual([
      matchOf(result, "channel", "online"),
      {
        scheme: "channel+category",
        segmentId: "online|paint",
        values: { channel: "online", category: "paint" },
        decision: null,
        note: NEW_KIND_NOTE,
      },
    ]);
    expect(NEW_KIND_NOTE).toBe("no such segment in the data: a new kind of customer");
    expect(fit.overall).toBe("yes");
    expect(fit.summary).toContain("channel+category online|paint: a new kind of customer");
  });

  it("says unknown when the prospect matches no existing segment", () => {
    const fit = fitCheck(result, { channel: "telex", category: "tools" });
    expect(fit.segments.map((s) => s.decision)).toEqual([null, null]);
    expect(fit.overall).toBe("unknown");
    expect(fit.summary).toBe(
      "Unknown: no segment with enough data decides for this prospect (channel telex: a new kind of customer; channel+category telex|tools: a new kind of customer; give customer to place it in more schemes).",
    );
  });

  it("says unknown, naming every scheme's missing dimensions, for a prospect it cannot place anywhere", () => {
    const fit = fitCheck(result, { category: "tools" });
    expect(fit.segments).toEqual([]);
    expect(fit.unmatched).toEqual([
      { scheme: "channel", missing: ["channel"] },
      { scheme: "customer", missing: ["customer"] },
      { scheme: "channel+category", missing: ["channel"] },
    ]);
    expect(fit.overall).toBe("unknown");
    expect(fit.summary).toBe(
      "Unknown: no segment with enough data decides for this prospect (give channel, customer to place it in a scheme).",
    );
  });

  it("leaves a segment with too little data out of the verdict, and says so", () => {
    // 30 lines needed: each customer has 24, each channel 24 or 48.
    const strict = scoreCube(
      cubeOf(lines),
      parsePolicy({ minimumEvidence: { lines: 30, customers: 1, months: 1 } }),
    );
    const fit = fitCheck(strict, { channel: "online", category: "tools", customer: "C1" });
    expect(fit.segments).toEqual([
      matchOf(strict, "channel", "online"),
      matchOf(strict, "customer", "C1"),
      matchOf(strict, "channel+category", "online|tools"),
    ]);
    expect(fit.segments.map((s) => s.decision)).toEqual(["choose", "insufficient_data", "choose"]);
    expect(fit.overall).toBe("yes");
    expect(fit.summary).toContain("customer C1: too little data");
    expect(fitCheck(strict, { channel: "phone" }).overall).toBe("unknown");
  });

  it("lists prospect dimensions that no scheme uses, so a typo does not pass unnoticed", () => {
    const fit = fitCheck(result, { channel: "online", regoin: "west", category: "tools" });
    expect(fit.ignored).toEqual(["regoin"]);
    expect(fit.overall).toBe("yes");
  });

  it("does not take a dimension named like an Object property from the prototype", () => {
    const cube = cubeOf([]);
    cube.scheme(["constructor"]);
    const fit = fitCheck(scoreCube(cube, parsePolicy({})), {});
    expect(fit.unmatched).toContainEqual({ scheme: "constructor", missing: ["constructor"] });
  });
});

describe("prospectSchema", () => {
  it("accepts dimension names with their values", () => {
    expect(prospectSchema.parse({ channel: "online", customerType: "small-business" })).toEqual({
      channel: "online",
      customerType: "small-business",
    });
  });

  it("refuses an empty value, naming the dimension", () => {
    const parsed = prospectSchema.safeParse({ channel: "" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toMatchObject([
      { path: ["channel"], message: "give a value for the dimension, or leave it out" },
    ]);
  });

  it("refuses a value that is not text and a name that could not be a dimension", () => {
    expect(prospectSchema.safeParse({ channel: 3 }).success).toBe(false);
    expect(prospectSchema.safeParse({ "sales region": "west" }).success).toBe(false);
    expect(prospectSchema.safeParse({ "1st": "west" }).success).toBe(false);
  });

  it("accepts 20 dimensions and refuses 21", () => {
    const prospect = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`d${i}`, "x"]));
    expect(prospectSchema.safeParse(prospect(20)).success).toBe(true);
    const parsed = prospectSchema.safeParse(prospect(21));
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
      "a prospect has at most 20 dimensions",
    ]);
  });
});
