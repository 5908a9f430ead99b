import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoringResult } from "#domain/scoring.ts";
import { generateRows } from "#sample/generator.ts";
import { sampleTruths } from "#sample/sample-truths.ts";

const run = promisify(execFile);
let directory: string;
let file: string;

/** Runs the real `segfocus` binary, as a user would. */
async function segfocus(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ["bin/segfocus.js", ...args], { maxBuffer: 1 << 28 });
}

/** Scores the generated file with these extra options and reads the JSON it prints. */
async function scoreAsJson(...args: string[]): Promise<ScoringResult> {
  const { stdout } = await segfocus("score", file, "--format", "json", ...args);
  return JSON.parse(stdout) as ScoringResult;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "segfocus-score-"));
  file = join(directory, "batch.csv.gz");
  await pipeline(
    Readable.from(generateRows({ rows: 60_000, seed: 3, start: "2022-01", months: 36 })),
    createGzip(),
    createWriteStream(file),
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("segfocus score on a generated file", () => {
  it("keeps the known unprofitable channel off the say-yes list and puts the growing profitable one on it", async () => {
    const result = await scoreAsJson();
    const channel = result.schemes.find((scheme) => scheme.id === "channel");
    const decisionOf = (value: string) =>
      channel?.segments.find((segment) => segment.values.channel === value)?.decision;
    expect(["choose", "develop"]).not.toContain(decisionOf(sampleTruths.unprofitableChannel));
    const growing = sampleTruths.growingProfitableSegment.values.channel as string;
    expect(["choose", "develop"]).toContain(decisionOf(growing));
  });

  it("shows the customer whale curve the profitability literature reports, and the drain and desert channels", async () => {
    const result = await scoreAsJson("--scheme", "customer", "--scheme", "channel");
    const [customers, channels] = result.schemes;
    const { peakShare, lossCustomerShare } = sampleTruths.customerWhaleCurve;
    expect(customers?.whaleCurve.peakShare).toBeGreaterThanOrEqual(peakShare.min);
    expect(customers?.whaleCurve.peakShare).toBeLessThanOrEqual(peakShare.max);
    expect(customers?.whaleCurve.lossSegmentShare).toBeGreaterThanOrEqual(lossCustomerShare.min);
    expect(customers?.whaleCurve.lossSegmentShare).toBeLessThanOrEqual(lossCustomerShare.max);
    const classOf = (channel: string) =>
      channels?.segments.find((segment) => segment.id === channel)?.profitClass;
    expect(classOf(sampleTruths.unprofitableChannel)).toBe("drain");
    expect(classOf(sampleTruths.desertChannel)).toBe("desert");
  });

  it("says why the unprofitable channel is where it is, discounting included, in numbers", async () => {
    const result = await scoreAsJson();
    const unprofitable = result.schemes
      .find((scheme) => scheme.id === "channel")
      ?.segments.find((segment) => segment.values.channel === sampleTruths.unprofitableChannel);
    const codes = unprofitable?.reasons.map((reason) => reason.code) ?? [];
    expect(codes).toContain("low_margin");
    const discounting = unprofitable?.reasons.find((reason) => reason.code === "heavy_discounting");
    expect(discounting?.message).toMatch(/^\d+\.\d% of list price is given away/);
    const { npvP10, npvP90 } = unprofitable?.projection ?? { npvP10: 0, npvP90: 0 };
    expect(unprofitable?.confidence).toBe(npvP10 < 0 && npvP90 > 0 ? "low" : "high");
  });

  it("prints the documented JSON shape for every scheme and segment", async () => {
    const result = await scoreAsJson("--scheme", "channel,region", "--scheme", "customer");
    expect(result.schemes.map((scheme) => scheme.id)).toEqual(["channel+region", "customer"]);
    const scheme = result.schemes[0];
    expect(scheme).toMatchObject({
      dimensions: ["channel", "region"],
      totals: { revenue: expect.any(Number), profit: expect.any(Number), margin: expect.any(Number) },
      whaleCurve: {
        peakShare: expect.any(Number),
        peakAt: expect.any(Number),
        lossSegmentShare: expect.any(Number),
      },
    });
    expect(scheme?.segments).toHaveLength(sampleTruths.channels.length * sampleTruths.regions.length);
    for (const segment of scheme?.segments ?? []) {
      expect(Object.keys(segment.values)).toEqual(["channel", "region"]);
      expect(segment.metrics).toMatchObject({
        revenue: expect.any(Number),
        profit: expect.any(Number),
        margin: expect.any(Number),
        costToServe: expect.any(Number),
        customers: expect.any(Number),
      });
      expect(["peak", "drain", "desert", "niche"]).toContain(segment.profitClass);
      for (const score of Object.values(segment.scores)) expect(score).toBeGreaterThanOrEqual(0);
      expect(segment.reasons[0]).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(segment.projection.years.map((year) => year.year)).toEqual([1, 2, 3]);
      expect(segment.projection.npv).toEqual(expect.any(Number));
    }
  });

  it("prints the say-yes, fix and say-no lists per scheme as a table, with the whale-curve headline", async () => {
    const { stdout } = await segfocus("score", file, "--scheme", "channel");
    expect(stdout).toMatch(new RegExp(`== channel: ${sampleTruths.channels.length} segments`));
    expect(stdout).toMatch(
      /Whale curve: the most profitable [\d.]+% of segments earn [\d.]+% of total profit/,
    );
    const sayYes = stdout.slice(stdout.indexOf("Say yes"), stdout.indexOf("Fix ("));
    const fix = stdout.slice(stdout.indexOf("Fix ("), stdout.indexOf("Say no"));
    expect(sayYes).toMatch(/\nonline /);
    // The loss-making channel is a drain that the scheme's median discount and cost-to-serve would
    // make profitable: repaired, not declined.
    expect(fix).toMatch(new RegExp(`\\n${sampleTruths.unprofitableChannel} `));
  });

  it("writes one CSV row per segment with a header", async () => {
    const { stdout } = await segfocus("score", file, "--format", "csv", "--scheme", "region");
    const rows = stdout.trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "scheme,segment,decision,profit_class,revenue,profit,margin,cost_to_serve,customers,profitability,growth,defensibility,focus,npv,reason",
    );
    expect(
      rows
        .slice(1)
        .map((row) => row.split(",")[1])
        .sort(),
    ).toEqual([...sampleTruths.regions].sort());
  });

  it("applies a force of change from --scenario and names it in the projections", async () => {
    const scenario = join(directory, "giant.json");
    await writeFile(
      scenario,
      JSON.stringify({
        id: "digital-giant",
        name: "A digital giant enters",
        match: { channel: "online" },
        volumeGrowth: -0.3,
        priceRealization: -0.1,
      }),
    );
    const result = await scoreAsJson("--scheme", "channel", "--scenario", scenario);
    const online = result.schemes[0]?.segments.find((segment) => segment.id === "online");
    expect(result.forces).toEqual([{ id: "digital-giant", name: "A digital giant enters" }]);
    expect(online?.projection.forces[0]).toMatchObject({ forceId: "digital-giant", threatened: true });
    const retail = result.schemes[0]?.segments.find((segment) => segment.id === "retail");
    expect(retail?.projection.forces[0]?.npv).toBe(retail?.projection.npv);
  });

  it("refuses an invalid policy, naming the field, with exit code 1", async () => {
    const policy = join(directory, "policy.json");
    await writeFile(policy, JSON.stringify({ projection: { damping: 0.99 } }));
    await expect(segfocus("score", file, "--policy", policy)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/projection\.damping/),
    });
  });

  it("refuses a header with two revenue columns, naming both and their positions, with exit code 1", async () => {
    const twice = join(directory, "two-revenues.csv");
    await writeFile(
      twice,
      "transaction_id,date,customer_id,revenue,cogs,Revenue\nT1,2024-01-05,C1,100,60,9900\n",
    );
    await expect(segfocus("score", twice)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /columns "revenue" \(column 4\) and "Revenue" \(column 6\) would both be read as revenue/,
      ),
    });
  });

  it("scores dimensions named like Object's own properties as segments of their own", async () => {
    const odd = join(directory, "odd-names.csv");
    const lines = ["transaction_id,date,customer_id,revenue,cogs,constructor,__proto__"];
    for (let line = 0; line < 40; line++) {
      const month = String((line % 12) + 1).padStart(2, "0");
      lines.push(`T${line},2024-${month}-10,C${line % 4},100,60,${line % 2 ? "east" : "west"},p${line % 3}`);
    }
    await writeFile(odd, `${lines.join("\n")}\n`);
    const { stdout } = await segfocus(
      "score",
      odd,
      "--scheme",
      "constructor",
      "--scheme",
      "proto",
      "--format",
      "json",
    );
    const result = JSON.parse(stdout) as ScoringResult;
    const revenueOf = (id: string) =>
      result.schemes
        .find((scheme) => scheme.id === id)
        ?.segments.reduce((sum, s) => sum + s.metrics.revenue, 0);
    expect(result.schemes.map((scheme) => scheme.id)).toEqual(["constructor", "proto"]);
    expect(result.schemes[0]?.segments.map((segment) => segment.id).sort()).toEqual(["east", "west"]);
    expect(result.schemes[1]?.segments.map((segment) => segment.id).sort()).toEqual(["p0", "p1", "p2"]);
    expect(revenueOf("constructor")).toBe(4000);
    expect(revenueOf("proto")).toBe(4000);
  });

  it("fails on a file it cannot read, saying what to fix", async () => {
    const empty = join(directory, "empty.csv");
    await writeFile(empty, "");
    await expect(segfocus("score", empty)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/the file is empty/),
    });
  });
});
