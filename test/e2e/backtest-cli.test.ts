import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SchemeBacktest } from "#domain/cube-backtest.ts";
import { FORECAST_METHODS } from "#domain/scheme-backtest.ts";
import { sampleTruths } from "#sample/sample-truths.ts";

const run = promisify(execFile);
let directory: string;
let file: string;

/** Runs the real `segfocus` binary, as a user would. */
async function segfocus(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ["bin/segfocus.js", ...args], { maxBuffer: 1 << 26 });
}

async function backtestAsJson(...args: string[]): Promise<{ schemes: SchemeBacktest[] }> {
  const { stdout } = await segfocus("backtest", file, "--scheme", "channel", "--format", "json", ...args);
  return JSON.parse(stdout) as { schemes: SchemeBacktest[] };
}

/** The default run, shared by the tests that only read it. */
let defaultRun: Promise<{ schemes: SchemeBacktest[] }> | undefined;
function defaultBacktest(): Promise<{ schemes: SchemeBacktest[] }> {
  defaultRun ??= backtestAsJson();
  return defaultRun;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "segfocus-backtest-"));
  file = join(directory, "sample.csv.gz");
  // 36 months from 2023-01: the latest month is 2025-12.
  await segfocus(
    "generate",
    "--rows",
    "20000",
    "--months",
    "36",
    "--start",
    "2023-01",
    "--seed",
    "5",
    "--out",
    file,
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("segfocus backtest on a generated file", () => {
  it("prints each scheme's accuracy as JSON: 12 cut-offs a month apart, 12 months held out, every method", async () => {
    const { schemes } = await defaultBacktest();
    expect(schemes.map((scheme) => scheme.schemeId)).toEqual(["channel"]);
    const accuracy = schemes[0]?.accuracy;
    expect(accuracy?.holdoutMonths).toBe(12);
    // The latest cut-off leaves 2025's twelve months; the eleven before it go back a month each.
    expect(accuracy?.cutoffs).toHaveLength(12);
    expect(accuracy?.cutoffs[0]).toBe("2024-12");
    expect(accuracy?.cutoffs.at(-1)).toBe("2024-01");
    expect(Object.keys(accuracy?.methods ?? {}).sort()).toEqual([...FORECAST_METHODS].sort());
    expect(FORECAST_METHODS).toContain(accuracy?.chosen);
  });

  it("reports figures that hang together: WAPEs ≥ 0, widenings in [1, 10], counts within their totals", async () => {
    const accuracy = (await defaultBacktest()).schemes[0]?.accuracy;
    if (!accuracy) throw new Error("36 months are enough to backtest");
    expect(accuracy.segments).toBe(sampleTruths.channels.length);
    expect(accuracy.segmentsEvaluated).toBeGreaterThan(0);
    expect(accuracy.segmentsEvaluated).toBeLessThanOrEqual(accuracy.segments);
    for (const method of FORECAST_METHODS) {
      for (const measure of [accuracy.methods[method].revenue, accuracy.methods[method].profit]) {
        expect(measure.wape).toBeGreaterThanOrEqual(0);
        expect(measure.monthlyWape).toBeGreaterThanOrEqual(0);
        expect(measure.interval80.scale).toBeGreaterThanOrEqual(1);
        expect(measure.interval80.scale).toBeLessThanOrEqual(10);
        expect(measure.interval80.coverage).toBeGreaterThanOrEqual(0);
        expect(measure.interval80.coverage).toBeLessThanOrEqual(1);
      }
    }
    for (const beats of Object.values(accuracy.fittedBeats)) {
      expect(beats.segments).toBeLessThanOrEqual(beats.ofSegments);
      expect(beats.ofSegments).toBeLessThanOrEqual(accuracy.segmentsEvaluated);
      expect(beats.cutoffs).toBeLessThanOrEqual(beats.ofCutoffs);
      expect(beats.ofCutoffs).toBeLessThanOrEqual(accuracy.cutoffs.length);
    }
  });

  it("takes --holdout and --origins: 6 months held out at 3 cut-offs ends training in 2025-06, -05, -04", async () => {
    const accuracy = (await backtestAsJson("--holdout", "6", "--origins", "3")).schemes[0]?.accuracy;
    expect(accuracy?.holdoutMonths).toBe(6);
    expect(accuracy?.cutoffs).toEqual(["2025-06", "2025-05", "2025-04"]);
  });

  it("prints a table with one row per method, the chosen one starred", async () => {
    const { stdout } = await segfocus("backtest", file, "--scheme", "channel", "--format", "table");
    expect(stdout).toMatch(
      /== channel: \d+ of 6 segments, 12 cut-offs \(training up to 2024-01 … 2024-12\), 12 months held out/,
    );
    const rows = stdout.split("\n");
    for (const method of ["segfocus projection", "same as the last 12 months", "seasonal naive"]) {
      expect(rows.filter((row) => row.startsWith(`${method} `))).toHaveLength(1);
    }
    expect(
      rows.filter((row) => /^(segfocus projection|same as|seasonal naive).* \* /.test(row)),
    ).toHaveLength(1);
  });

  it.each([
    ["--holdout", "0"],
    ["--origins", "x"],
  ])("refuses %s %s with exit code 1, naming the flag", async (flag, value) => {
    await expect(segfocus("backtest", file, "--scheme", "channel", flag, value)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${flag}:`),
    });
  });
});
