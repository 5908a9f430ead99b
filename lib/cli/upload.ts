import { createReadStream, type ReadStream } from "node:fs";
import type { CreateBatchResponse } from "#api/schemas.ts";
import { type ByteProgress, byteProgress } from "#cli/progress.ts";
import { withRetries } from "#cli/retry.ts";
import { ATTEMPTS, networkCause, TRANSIENT_STATUSES } from "#cli/transient-failures.ts";

/** The local file an upload sends. */
export interface FileToUpload {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

/** What the storage said when it took the file: the content's tag, and when, by the server's clock. */
export interface UploadReceipt {
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
export async function uploadWithRetries(
  file: FileToUpload,
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
  file: FileToUpload,
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
