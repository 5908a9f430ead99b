import { Command, Option } from "commander";

/** `segfocus push`: the ERP's side — upload one file through a presigned URL, then follow its batch. */
export function pushCommand(): Command {
  return new Command("push")
    .description(
      "Upload a file of invoice lines to the service as one batch, through a presigned URL; with --wait, follow it until it is scored.",
    )
    .argument("<file>", "CSV or NDJSON file of invoice lines, optionally gzip-compressed")
    .addOption(new Option("--api <url>", "base URL of the service's API (required)").env("SEGFOCUS_API"))
    .addOption(
      new Option("--token <token>", "bearer token of the ingest role (required)").env("SEGFOCUS_TOKEN"),
    )
    .option(
      "--batch-id <id>",
      "the batch's id, its idempotency key: a re-send under the same id replaces, never adds (default: a hash of the file's name, size and modification time)",
    )
    .option(
      "--mapping <name|file.json>",
      "column mapping: a JSON file is sent as the mapping document, anything else as the name of a stored mapping",
    )
    .option(
      "--wait",
      "poll the batch until it is scored or has failed, and print its counts and first rejects",
    )
    .option("--timeout <seconds>", "with --wait, how long to wait for the batch to settle", "600")
    .action(async (file: string, options: unknown) => {
      // Loaded when the command runs, so that `segfocus --help` does not wait for zod and the API's schemas.
      const { push } = await import("#cli/push-batch.ts");
      await push(file, options);
    });
}
