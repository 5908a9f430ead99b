import { createHash } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Command, Option } from "commander";
import * as z from "zod";
import { batchRecordSchema } from "#api/batch-schemas.ts";
import { errorBodySchema } from "#api/http-error.ts";
import { batchIdSchema, type CreateBatchResponse, createBatchResponseSchema } from "#api/schemas.ts";
import { parseOptions } from "#cli/options.ts";
import { type ByteProgress, byteProgress, megabytes } from "#cli/progress.ts";
import { backoff, withRetries } from "#cli/retry.ts";
import { parseColumnMapping } from "#ingest/mapping.ts";
import { describeReject } from "#ingest/reject.ts";

/** Tries of one request or upload before giving up: the first and two retries. */
const ATTEMPTS = 3;

/** S3 takes at most this much in one PUT. */
const MAX_SINGLE_UPLOAD_BYTES = 5 * 1024 ** 3;

/** Answers worth asking again: the server or something between was busy or failing, not the request. */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

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

type PushOptions = z.infer<typeof pushOptionsSchema>;

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
      await push(file, parseOptions(pushOptionsSchema, options));
    });
}

async function push(path: string, args: PushOptions): Promise<void> {
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

interface LocalFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
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

/** What the storage said when it took the file: the content's tag, and when, by the server's clock. */
interface UploadReceipt {
  readonly etag: string | undefined;
  readonly at: number;
}

/** An attempt that may succeed if made again: the connection dropped, or the storage was busy. */
class RetryableUpload extends Error {
  constructor(
    message: string,
    /** The presigned URL is no longer accepted: ask for a new one before the next attempt. */
    readonly urlExpired = false,
  ) {
    super(message);
  }
}

/**
 * Uploads the file through a presigned URL, up to three times with backoff. The URL is asked for again
 * (under the same batch id, which makes that safe) only when it has expired.
 */
async function uploadWithRetries(
  file: LocalFile,
  requestUploadUrl: () => Promise<CreateBatchResponse>,
): Promise<UploadReceipt> {
  let target = await requestUploadUrl();
  try {
    return await withRetries(
      async (_attempt, previousFailure) => {
        if (previousFailure && (previousFailure.urlExpired || Date.now() >= Date.parse(target.expiresAt))) {
          target = await requestUploadUrl();
        }
        const started = performance.now();
        const progress = byteProgress(`uploading ${file.name}`, file.size, {
          terminal: process.stderr.isTTY === true,
        });
        try {
          const receipt = await uploadOnce(file, target.uploadUrl, progress);
          progress.finish(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
          return receipt;
        } catch (error) {
          progress.interrupt();
          throw error;
        }
      },
      {
        attempts: ATTEMPTS,
        retryable: (error: unknown): error is RetryableUpload => error instanceof RetryableUpload,
        onRetry: (failure, attempt, delayMs) =>
          process.stderr.write(
            `upload attempt ${attempt} of ${ATTEMPTS} failed: ${failure.message}; retrying in ${delayMs / 1000} s\n`,
          ),
      },
    );
  } catch (error) {
    if (!(error instanceof RetryableUpload)) throw error;
    throw new Error(
      `the upload failed ${ATTEMPTS} times (last: ${error.message}); check the network and try again: pushing again under the same batch id is safe`,
    );
  }
}

async function uploadOnce(
  file: LocalFile,
  uploadUrl: string,
  progress: ByteProgress,
): Promise<UploadReceipt> {
  const source = createReadStream(file.path, { highWaterMark: 1 << 20 });
  let response: Response;
  try {
    response = await fetch(uploadUrl, {
      method: "PUT",
      // S3 refuses a chunked PUT: the length goes first, then the file streams from disk.
      headers: { "content-length": String(file.size) },
      body: countedChunks(source, progress),
      duplex: "half",
    });
  } catch (error) {
    throw new RetryableUpload(`the connection dropped (${networkCause(error)})`);
  } finally {
    source.destroy();
  }
  const text = await response.text().catch(() => "");
  if (response.ok) {
    const date = Date.parse(response.headers.get("date") ?? "");
    return {
      etag: response.headers.get("etag")?.replaceAll('"', "") || undefined,
      at: Number.isNaN(date) ? Date.now() : date,
    };
  }
  const refusal = storageError(text);
  const said = `${response.status}${refusal.code ? ` ${refusal.code}` : ""}${refusal.message ? `: ${refusal.message}` : ""}`;
  if (response.status === 403 && /expired/i.test(refusal.message)) {
    throw new RetryableUpload(`the upload URL expired (${said})`, true);
  }
  if (TRANSIENT_STATUSES.has(response.status)) throw new RetryableUpload(`the storage answered ${said}`);
  if (response.status === 413 || refusal.code === "EntityTooLarge") {
    throw new Error(
      `the storage refused the file as too large (${said}): compress it with gzip or split it into several batches`,
    );
  }
  throw new Error(
    `the storage refused the upload (${said}); push again to get a new upload URL, and if this persists check the clock of this machine`,
  );
}

async function* countedChunks(source: ReadStream, progress: ByteProgress): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    progress.advance((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/** S3 explains a refusal in XML: `<Error><Code>…</Code><Message>…</Message></Error>`. */
function storageError(text: string): { code: string; message: string } {
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "",
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.trim().slice(0, 200),
  };
}

/** fetch reports every network failure as "fetch failed"; the reason is in its cause. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** GET /batches/{batchId}: the batch as the service knows it. */
type BatchRecord = z.infer<typeof batchRecordSchema>;

/** The two calls the ERP makes to the API, each retried on a dropped connection or a busy service. */
class BatchApi {
  private readonly base: URL;

  constructor(
    api: string,
    private readonly token: string,
  ) {
    // A base with a path (an API Gateway stage, say) keeps it: relative paths resolve under it.
    this.base = new URL(api.endsWith("/") ? api : `${api}/`);
  }

  urlOf(batchId: string): string {
    return new URL(`batches/${encodeURIComponent(batchId)}`, this.base).href;
  }

  /** Safe to repeat: the request always carries its batch id, so a second call finds the same batch. */
  createBatch(request: {
    batchId: string;
    fileName: string;
    mapping?: unknown;
  }): Promise<CreateBatchResponse> {
    return this.send(
      "POST",
      new URL("batches", this.base),
      "ask for an upload URL",
      createBatchResponseSchema,
      request,
    );
  }

  getBatch(batchId: string): Promise<BatchRecord> {
    return this.send("GET", new URL(this.urlOf(batchId)), `read batch ${batchId}`, batchRecordSchema);
  }

  private async send<T>(
    method: string,
    url: URL,
    purpose: string,
    answerSchema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const call = async (): Promise<T> => {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new PassingFailure(
          `cannot reach the API at ${this.base.href} to ${purpose} (${networkCause(error)}): check --api and that the service is running`,
        );
      }
      const text = await response.text();
      if (response.ok) {
        const answer = answerSchema.safeParse(safeJson(text));
        if (answer.success) return answer.data;
        throw new Error(
          `the answer of ${url.href} to ${purpose} is not the one the segment-focus API gives: check that --api is the service's base URL`,
        );
      }
      const refusal = refusalMessage(response.status, text, purpose);
      if (!TRANSIENT_STATUSES.has(response.status)) throw new Error(refusal);
      const retryAfter = Number(response.headers.get("retry-after"));
      throw new PassingFailure(refusal, retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : undefined);
    };
    return withRetries(call, {
      attempts: ATTEMPTS,
      retryable: (error: unknown): error is PassingFailure => error instanceof PassingFailure,
      delayMs: (attempt, failure) => failure.retryAfterMs ?? backoff(attempt),
    });
  }
}

/** A call to the API that may succeed if made again: the connection failed, or the service was busy. */
class PassingFailure extends Error {
  constructor(
    message: string,
    /** How long the service asked to wait (Retry-After), if it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The request's fields as the user knows them: the options of this command. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  "body.batchId": "--batch-id",
  "body.fileName": "the file's name",
  "body.mapping": "--mapping",
};

/** An API refusal, turned into what the user should do about it. */
function refusalMessage(status: number, text: string, purpose: string): string {
  const parsed = errorBodySchema.safeParse(safeJson(text));
  const error = parsed.success ? parsed.data.error : undefined;
  const said = error ? `${status} ${error.code}: ${error.message}` : `${status}`;
  switch (status) {
    case 400: {
      const problems = z.array(z.object({ path: z.string(), message: z.string() })).safeParse(error?.details);
      const listed = problems.success
        ? problems.data.map((problem) => {
            const field = Object.entries(FIELD_NAMES).find(([path]) => problem.path.startsWith(path));
            return `\n  ${field ? `${field[1]}${problem.path.slice(field[0].length)}` : problem.path}: ${problem.message}`;
          })
        : [];
      return `the API refused the request to ${purpose} (${said})${listed.join("")}`;
    }
    case 401:
      return `the API refused the token (${said}): check --token; pushing needs a token of the ingest role`;
    case 403:
      return `the API accepted the token but not to ${purpose} (${said}): push with a token of the ingest role`;
    case 404:
      return `could not ${purpose}: not found (${said}); check that --api is the service's base URL`;
    case 409:
      return `the API refused the request to ${purpose} (${said})`;
    case 413:
      return `the request to ${purpose} is too large for the API (${said}); a mapping document is a few kilobytes: check the --mapping file`;
    default:
      return status >= 500 || TRANSIENT_STATUSES.has(status)
        ? `the service could not ${purpose} (${said}) after ${ATTEMPTS} tries; try again later: pushing again under the same batch id is safe`
        : `the API refused the request to ${purpose} (${said})`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Polls the batch until it is scored or has failed, or the time is up. Until the service has seen
 * this upload, the record may still describe an earlier one under the same id: it counts only once
 * it carries the tag of the uploaded content, or a service fault recorded after the upload (a fault
 * leaves the tag unchanged).
 */
async function waitForBatch(
  api: BatchApi,
  batchId: string,
  receipt: UploadReceipt,
  timeoutSeconds: number,
): Promise<{ batch: BatchRecord; settled: boolean }> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let interval = 250;
  let reported: string | undefined;
  for (;;) {
    const batch = await api.getBatch(batchId);
    const current =
      receipt.etag === undefined ||
      batch.contentHash === receipt.etag ||
      (batch.error?.retryable === true && Date.parse(batch.updatedAt) >= receipt.at);
    if (current && (batch.status === "scored" || batch.status === "failed")) return { batch, settled: true };
    // "ingesting" can only be this upload's; an earlier one's record may still say "aggregated".
    const progress =
      batch.status === "ingesting"
        ? "ingesting…"
        : current && batch.status === "aggregated"
          ? "lines counted, scoring…"
          : undefined;
    if (progress !== undefined && progress !== reported) {
      reported = progress;
      process.stderr.write(`batch ${batchId}: ${progress}\n`);
    }
    const left = deadline - performance.now();
    if (left <= 0) return { batch, settled: false };
    await sleep(Math.min(interval, left));
    interval = Math.min(interval * 1.5, 5000);
  }
}

function batchSummary(batch: BatchRecord): string {
  const accepted = (batch.accepted ?? 0).toLocaleString("en-US");
  const rejected = (batch.rejected ?? 0).toLocaleString("en-US");
  return `batch ${batch.batchId}: ${batch.status}, ${accepted} lines accepted, ${rejected} rejected\n${rejectList(batch)}`;
}

function failureReport(batch: BatchRecord): string {
  const error = batch.error;
  const advice = error?.retryable
    ? "the service failed, not the file: push again (the same batch id makes that safe)"
    : "fix the file and push it again; the scores from earlier batches are unchanged";
  return `batch ${batch.batchId} failed: ${error ? `${error.code}: ${error.message}` : "no reason given"}\n${rejectList(batch)}${advice}`;
}

function rejectList(batch: BatchRecord): string {
  const rejects = batch.firstRejects ?? [];
  if (rejects.length === 0) return "";
  const shown = rejects.slice(0, 10);
  return `first rejects:\n${shown.map((reject) => `  ${describeReject(reject)}\n`).join("")}`;
}

function fileSize(bytes: number): string {
  return bytes < 100_000 ? `${bytes.toLocaleString("en-US")} bytes` : `${megabytes(bytes)} MB`;
}
