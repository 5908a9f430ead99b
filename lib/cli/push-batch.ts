import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import * as z from "zod";
import { batchIdSchema } from "#api/schemas.ts";
import { BatchApi } from "#cli/batch-api.ts";
import { batchSummary, failureReport } from "#cli/batch-report.ts";
import { parseOptions } from "#cli/options.ts";
import { megabytes } from "#cli/progress.ts";
import { type FileToUpload, uploadWithRetries } from "#cli/upload.ts";
import { waitForBatch } from "#cli/wait-for-batch.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";

/** S3 takes at most this much in one PUT. */
const MAX_SINGLE_UPLOAD_BYTES = 5 * 1024 ** 3;

const wholeSeconds = z
  .string()
  .regex(/^\d+$/, { error: (issue) => `expected a whole number of seconds, got "${issue.input}"` })
  .transform(Number)
  .pipe(z.number().min(1, "expected at least 1 second").max(86_400, "expected at most 86400 seconds"));

/** The options of `segfocus push`, as commander hands them over. */
const pushOptionsSchema = z.object({
  api: z.url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined
        ? "required: the API's base URL, e.g. http://127.0.0.1:3000 (or set SEGFOCUS_API)"
        : `expected an http(s) URL, got "${issue.input}"`,
  }),
  token: z
    .string({ error: "required: a bearer token of the ingest role (or set SEGFOCUS_TOKEN)" })
    .min(1, "the token cannot be empty"),
  batchId: batchIdSchema.optional(),
  mapping: z.string().min(1, "expected a mapping name or a JSON file").optional(),
  wait: z.boolean().default(false),
  timeout: wholeSeconds,
});

/** Uploads one file as a batch and, with --wait, follows it until it is scored or has failed. */
export async function push(path: string, commanderOptions: unknown): Promise<void> {
  const args = parseOptions(pushOptionsSchema, commanderOptions);
  const file = await localFile(path);
  if (file.size > MAX_SINGLE_UPLOAD_BYTES) {
    throw new Error(
      `${path} has ${fileSize(file.size)}; one upload takes at most 5 GB: compress it with gzip or split it into several batches`,
    );
  }
  const api = new BatchApi(args.api, args.token);
  const request = {
    batchId: args.batchId ?? defaultBatchId(file),
    fileName: file.name,
    ...(args.mapping !== undefined && { mapping: await mappingToSend(args.mapping) }),
  };
  process.stderr.write(`pushing ${file.name} (${fileSize(file.size)}) as batch ${request.batchId}\n`);
  const receipt = await uploadWithRetries(file, () => api.createBatch(request));

  if (!args.wait) {
    process.stdout.write(
      `batch ${request.batchId}: uploaded ${file.name}; its status: GET ${api.urlOf(request.batchId)}\n`,
    );
    return;
  }
  const { batch, settled } = await waitForBatch(api, request.batchId, receipt, args.timeout);
  if (batch.status === "failed") throw new Error(failureReport(batch));
  if (!settled && batch.status !== "aggregated") {
    throw new Error(
      `batch ${batch.batchId} is still ${batch.status} after ${args.timeout} s; the service carries on without this command: follow it with GET ${api.urlOf(batch.batchId)}, or push again with a longer --timeout (the same batch id makes that safe)`,
    );
  }
  process.stdout.write(
    settled
      ? batchSummary(batch)
      : `${batchSummary(batch)}its lines are counted; the scores were not yet published after ${args.timeout} s\n`,
  );
}

interface LocalFile extends FileToUpload {
  readonly modifiedMs: number;
}

async function localFile(path: string): Promise<LocalFile> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  if (!stats.isFile()) throw new Error(`${path} is not a file`);
  return { path, name: basename(path), size: stats.size, modifiedMs: Math.trunc(stats.mtimeMs) };
}

/**
 * The same file pushed again gets the same id, so re-running a push (after a crash, from a retrying
 * scheduler) replaces the batch instead of counting it twice. A re-export of the same lines has a
 * new modification time: an ERP that re-exports should pass its own --batch-id (such as the date).
 */
function defaultBatchId(file: Pick<LocalFile, "name" | "size" | "modifiedMs">): string {
  const digest = createHash("sha256")
    .update(`${file.name}\n${file.size}\n${file.modifiedMs}`)
    .digest("hex")
    .slice(0, 16);
  const readable = file.name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 100);
  return readable === "" ? digest : `${readable}-${digest}`;
}

/** A path to a JSON file is the mapping document itself; anything else names a stored mapping. */
async function mappingToSend(mapping: string): Promise<unknown> {
  const isFile = await stat(mapping).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (!isFile && !mapping.endsWith(".json")) return mapping;
  const text = await readFile(mapping, "utf8").catch((error: Error) => {
    throw new Error(`--mapping: cannot read the mapping file ${mapping}: ${error.message}`);
  });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`--mapping: ${mapping} is not valid JSON: ${(error as Error).message}`);
  }
  // Checked here so a wrong mapping is reported before the upload, not after it; sent as written.
  try {
    parseColumnMapping(document, mapping);
  } catch (error) {
    throw new Error(`--mapping ${mapping}: ${(error as Error).message}`);
  }
  return document;
}

function fileSize(bytes: number): string {
  return bytes < 100_000 ? `${bytes.toLocaleString("en-US")} bytes` : `${megabytes(bytes)} MB`;
}
