/** Uploads at least this large go to the Distributed Map rather than one ingest function (see the README's Capacity). */
export const DISTRIBUTED_INGEST_BYTES = 1024 ** 3;
/** The size of one byte range of a split upload: a few seconds to a minute of one worker's time. */
export const RANGE_BYTES = 256 * 1024 ** 2;

/** The sizes the big-file path works with, from SEGFOCUS_DISTRIBUTED_INGEST_BYTES and SEGFOCUS_RANGE_BYTES. */
export function distributedIngestSizes(env: NodeJS.ProcessEnv = process.env): {
  thresholdBytes: number;
  rangeBytes: number;
} {
  return {
    thresholdBytes: positiveBytes(env, "SEGFOCUS_DISTRIBUTED_INGEST_BYTES", DISTRIBUTED_INGEST_BYTES),
    rangeBytes: positiveBytes(env, "SEGFOCUS_RANGE_BYTES", RANGE_BYTES),
  };
}

function positiveBytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new Error(`${name} must be a number of bytes, not "${text}"`);
  return bytes;
}
