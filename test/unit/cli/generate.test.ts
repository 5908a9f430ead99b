import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateCommand } from "#cli/generate.ts";
import { type GenerateOptions, generateRows } from "#sample/generator.ts";

function textOf(options: GenerateOptions): string {
  return [...generateRows(options)].join("");
}

describe("segfocus generate", () => {
  let directory = "";
  let stdout: string[] = [];
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "segfocus-generate-"));
    stdout = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(directory, { recursive: true, force: true });
  });

  const run = (...args: string[]) => generateCommand().parseAsync(args, { from: "user" });

  it("writes a .gz file whose content is exactly generateRows for the same options, and says so", async () => {
    const out = join(directory, "sample.csv.gz");
    await run("--rows", "3000", "--out", out, "--seed", "7", "--start", "2021-11", "--months", "14");
    const written = gunzipSync(await readFile(out)).toString("utf8");
    expect(written).toBe(textOf({ rows: 3000, seed: 7, start: "2021-11", months: 14 }));
    expect(stdout.join("")).toMatch(
      new RegExp(`^wrote 3000 rows to ${out.replaceAll(".", "\\.")} \\(0\\.\\d MB\\)\\n$`),
    );
  });

  it("writes plain CSV when the name does not end in .gz, with seed 1 from 2023-01 for 36 months by default", async () => {
    const out = join(directory, "sample.csv");
    await run("--rows", "2000", "--out", out);
    expect(await readFile(out, "utf8")).toBe(textOf({ rows: 2000, seed: 1, start: "2023-01", months: 36 }));
  });

  it("rejects a --rows that is not a whole number, naming the option and the value", async () => {
    await expect(run("--rows", "12abc", "--out", join(directory, "x.csv"))).rejects.toThrow(
      /--rows: expected .*whole number.*got "12abc"/,
    );
  });

  it("rejects a --start that is not a YYYY-MM month, naming the option and the value", async () => {
    await expect(
      run("--rows", "10", "--out", join(directory, "x.csv"), "--start", "2023-13"),
    ).rejects.toThrow(/--start: expected a month as YYYY-MM, got "2023-13"/);
  });

  it("rejects a missing --out, naming the option", async () => {
    await expect(run("--rows", "10")).rejects.toThrow(/--out: required/);
  });
});
