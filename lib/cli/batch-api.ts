import * as z from "zod";
import { batchRecordSchema } from "#api/batch-schemas.ts";
import { errorBodySchema } from "#api/http-error.ts";
import { type CreateBatchResponse, createBatchResponseSchema } from "#api/schemas.ts";
import { backoff, withRetries } from "#cli/retry.ts";
import { ATTEMPTS, networkCause, TRANSIENT_STATUSES } from "#cli/transient-failures.ts";

/** GET /batches/{batchId}: the batch as the service knows it. */
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** The two calls the ERP makes to the API, each retried on a dropped connection or a busy service. */
export class BatchApi {
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
        throw new TransientFailure(
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
      throw new TransientFailure(refusal, retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : undefined);
    };
    return withRetries(call, {
      attempts: ATTEMPTS,
      retryable: (error: unknown): error is TransientFailure => error instanceof TransientFailure,
      delayMs: (attempt, failure) => failure.retryAfterMs ?? backoff(attempt),
    });
  }
}

/** A call to the API that may succeed if made again: the connection failed, or the service was busy. */
class TransientFailure extends Error {
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
