import { Command, Option } from "commander";
import { repeated } from "#cli/options.ts";
import { SCORE_FORMATS } from "#cli/score-output.ts";

/** `segfocus score`: offline, no servers — ingest the files, score every segment, print the decisions. */
export function scoreCommand(): Command {
  return new Command("score")
    .description("Ingest ERP files, score every segment and print the say-yes / fix / say-no lists.")
    .argument("<file...>", "CSV or NDJSON files of invoice lines, optionally gzip-compressed")
    .option("--mapping <file>", "column mapping (JSON) for files whose headers are not canonical")
    .option("--policy <file>", "scoring policy (JSON); missing fields take their defaults")
    .option(
      "--scheme <dimensions>",
      "a scheme to score, dimensions joined by commas (repeatable)",
      repeated,
      [],
    )
    .option("--scenario <file>", "forces of change (JSON): one force, a list, or { forces: [...] }")
    .addOption(new Option("--format <format>", "output format").choices(SCORE_FORMATS).default("table"))
    .action(async (files: string[], options: unknown) => {
      // Loaded when the command runs, so that `segfocus --help` does not wait for ingest and scoring.
      const { scoreFiles } = await import("#cli/score-files.ts");
      await scoreFiles(files, options);
    });
}
