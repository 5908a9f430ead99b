import { Command, Option } from "commander";
import { BACKTEST_FORMATS } from "#cli/backtest-output.ts";
import { repeated } from "#cli/options.ts";

/** `segfocus backtest`: how well the projection forecast the months the data already has. */
export function backtestCommand(): Command {
  return new Command("backtest")
    .description(
      "Hold out the last months, forecast them from the months before, and print per scheme the error of the projection against the naive forecasts, over several cut-offs.",
    )
    .argument("<file...>", "CSV or NDJSON files of invoice lines, optionally gzip-compressed")
    .option("--mapping <file>", "column mapping (JSON) for files whose headers are not canonical")
    .option("--policy <file>", "scoring policy (JSON); missing fields take their defaults")
    .option(
      "--scheme <dimensions>",
      "a scheme to test, dimensions joined by commas (repeatable)",
      repeated,
      [],
    )
    .option("--holdout <months>", "months held out after each cut-off", "12")
    .option(
      "--origins <count>",
      "cut-offs, a month apart, the latest leaving exactly the held-out months",
      "12",
    )
    .option(
      "--max-segments <count>",
      "test at most this many segments per scheme, the largest by revenue",
      "5000",
    )
    .addOption(new Option("--format <format>", "output format").choices(BACKTEST_FORMATS).default("table"))
    .action(async (files: string[], options: unknown) => {
      const { backtestFiles } = await import("#cli/backtest-files.ts");
      await backtestFiles(files, options);
    });
}
