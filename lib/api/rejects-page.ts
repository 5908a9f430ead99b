import * as z from "zod";
import type { Reject } from "#ingest/reject.ts";
import type { BlobStore } from "#store/blob-store.ts";
import type { Page } from "#store/records.ts";
import { InvalidCursorError, type PageRequest } from "#store/score-repository.ts";

const NEWLINE = 0x0a;

/** Where the next page starts: the byte after the last line read, in which version of the file. */
const positionSchema = z
  .object({ offset: z.number().int().min(1), etag: z.string().min(1).max(200) })
  .strict();
type RejectsPosition = z.infer<typeof positionSchema>;

/**
 * One page of a batch's rejects file (NDJSON, one reject a line), read from the byte where the
 * previous page ended: a page costs its own bytes, however deep into a million rejects it lies. The
 * cursor names that byte and the version of the file, so the cursor of a file since replaced (the
 * batch was sent again) is refused instead of being read from the middle of a line.
 */
export async function rejectsPage(
  blobs: BlobStore,
  key: string | undefined,
  page: PageRequest,
): Promise<Page<Reject>> {
  const position = page.cursor === undefined ? undefined : positionOf(page.cursor);
  const file = key === undefined ? undefined : await blobs.head(key);
  if (!key || !file) {
    if (position) throw staleCursor();
    return { items: [] };
  }
  if (position && (position.etag !== file.etag || position.offset >= file.size)) throw staleCursor();
  // A later page starts one byte early, on the newline that must end the line before it.
  const start = position ? position.offset - 1 : 0;
  const { lines, bytesRead } = await readLines(
    await blobs.getStream(key, { start, end: file.size }),
    page.limit,
    position !== undefined,
  );
  const next = start + bytesRead;
  return {
    items: lines.map((line) => JSON.parse(line) as Reject),
    ...(next < file.size && { cursor: cursorOf({ offset: next, etag: file.etag }) }),
  };
}

/**
 * Up to `limit` lines, and how many bytes they took with their newlines. Leaving the loop early
 * ends the download: the rest of the file is never read.
 */
async function readLines(
  chunks: AsyncIterable<Uint8Array>,
  limit: number,
  startsOnNewline: boolean,
): Promise<{ lines: string[]; bytesRead: number }> {
  const lines: string[] = [];
  let bytesRead = 0;
  let pending = Buffer.alloc(0);
  let expectNewline = startsOnNewline;
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    if (pending.length === 0) continue;
    if (expectNewline) {
      if (pending[0] !== NEWLINE) throw staleCursor();
      pending = pending.subarray(1);
      bytesRead = 1;
      expectNewline = false;
    }
    let from = 0;
    for (let end = pending.indexOf(NEWLINE); end >= 0; end = pending.indexOf(NEWLINE, from)) {
      if (end > from) lines.push(pending.toString("utf8", from, end));
      bytesRead += end + 1 - from;
      from = end + 1;
      if (lines.length === limit) return { lines, bytesRead };
    }
    pending = pending.subarray(from);
  }
  if (expectNewline) throw staleCursor();
  if (pending.length > 0) {
    lines.push(pending.toString("utf8"));
    bytesRead += pending.length;
  }
  return { lines, bytesRead };
}

function cursorOf(position: RejectsPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function positionOf(cursor: string): RejectsPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw staleCursor();
  }
  const position = positionSchema.safeParse(decoded);
  if (!position.success) throw staleCursor();
  return position.data;
}

function staleCursor(): InvalidCursorError {
  return new InvalidCursorError(
    "the cursor is not one this service issued for these rejects, or the batch was sent again since; start again without a cursor",
  );
}
