import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { isGzip, utf8BomLength } from "#ingest/format-sniff.ts";
import { IngestError } from "#ingest/ingest-error.ts";

/**
 * The text bytes of an uploaded file, whatever it was sent as: gzip is recognised by its magic bytes
 * (not by the name) and inflated as it streams; a UTF-8 byte order mark is dropped; encodings and
 * archives that cannot be read are refused with what to send instead.
 */
export async function* decodedBytes(
  input: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<Uint8Array> {
  const iterator = input[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < 4) {
    const next = await iterator.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : concat(head, next.value);
  }
  const rest = replay(head, iterator);
  if (isGzip(head)) yield* withoutBom(gunzip(rest, file), file);
  else yield* withoutBom(rest, file);
}

async function* replay(head: Uint8Array, iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

async function* gunzip(compressed: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  const inflater = createGunzip({ chunkSize: 256 * 1024 });
  let failure: unknown;
  const feeding = pipeline(Readable.from(compressed), inflater).catch((error: unknown) => {
    failure = error;
  });
  try {
    for await (const chunk of inflater) yield chunk as Uint8Array;
    await feeding;
  } catch (error) {
    failure ??= error;
  } finally {
    inflater.destroy();
  }
  if (failure !== undefined) throw gzipError(failure, file);
}

function gzipError(error: unknown, file: string): IngestError {
  const code = (error as { code?: string }).code;
  if (code === "Z_BUF_ERROR" || /unexpected end of file/i.test(String(error))) {
    return new IngestError(
      "TRUNCATED_GZIP",
      "the gzip file ends before its data does: it was cut off while being written or uploaded; send the whole file again",
      { file },
    );
  }
  if (error instanceof IngestError) return error;
  return new IngestError(
    "CORRUPT_GZIP",
    `the file starts like gzip but cannot be inflated (${(error as Error).message}); compress it again and resend`,
    {
      file,
    },
  );
}

/**
 * Drops a leading UTF-8 byte order mark and refuses unreadable files, judged on the first four bytes
 * of the text however they arrive: inflated gzip can come out a few bytes at a time.
 */
async function* withoutBom(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  let head: Uint8Array | null = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (head === null) {
      if (chunk.length > 0) yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : concat(head, chunk);
    if (head.length < 4) continue;
    yield* opening(head, file);
    head = null;
  }
  if (head !== null) yield* opening(head, file);
}

function* opening(head: Uint8Array, file: string): Generator<Uint8Array> {
  refuseUnreadable(head, file);
  const text = head.subarray(utf8BomLength(head));
  if (text.length > 0) yield text;
}

function refuseUnreadable(head: Uint8Array, file: string): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new IngestError(
      "UNSUPPORTED_ENCODING",
      "the file is UTF-16 text: export or save it as UTF-8 (CSV UTF-8) and send it again",
      {
        file,
        line: 1,
      },
    );
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new IngestError(
      "UNSUPPORTED_ARCHIVE",
      "the file is a zip archive (or an Excel workbook): send CSV or NDJSON text, optionally gzip-compressed",
      {
        file,
      },
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
