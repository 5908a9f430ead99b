import { Command } from "commander";

/** `segfocus generate`: writes a synthetic ERP batch of invoice lines. */
export function generateCommand(): Command {
  return new Command("generate")
    .description(
      "Write a synthetic ERP batch of invoice lines as CSV: the same seed and options write the same bytes.",
    )
    .option("--rows <count>", "number of data lines to write (required)")
    .option("--out <file>", "file to write (required); a name ending in .gz is gzip-compressed")
    .option("--seed <number>", "seed of the random choices", "1")
    .option("--start <YYYY-MM>", "first month of the data", "2023-01")
    .option("--months <count>", "number of months of data", "36")
    .action(async (options: unknown) => {
      // Loaded when the command runs, so that `segfocus --help` does not wait for zod and the generator.
      const { writeSample } = await import("#cli/write-sample.ts");
      await writeSample(options);
    });
}
