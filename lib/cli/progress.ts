import { Transform } from "node:stream";

/**
 * Counts the bytes that flow through and reports them on stderr at most once a second — only when
 * the work lasts long enough to need it, so small files stay quiet.
 */
export function byteProgress(
  label: string,
  totalBytes: number,
  write: (line: string) => void = (line) => process.stderr.write(line),
) {
  const startedAt = performance.now();
  let reportedAt = startedAt;
  let bytes = 0;
  let reported = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      const now = performance.now();
      if (now - reportedAt >= 1000) {
        reportedAt = now;
        reported = true;
        const seconds = (now - startedAt) / 1000;
        const rate = bytes / seconds;
        const eta = rate > 0 ? Math.max(0, (totalBytes - bytes) / rate) : 0;
        write(
          `${label}: ${megabytes(bytes)} of ${megabytes(totalBytes)} MB (${Math.min(100, Math.floor((100 * bytes) / Math.max(1, totalBytes)))}%), ${megabytes(rate)} MB/s, about ${Math.ceil(eta)} s left\n`,
        );
      }
      done(null, chunk);
    },
  });
  return {
    stream,
    /** Writes a closing line if progress was shown at all. */
    finish(summary: string): void {
      if (reported) write(`${label}: ${summary}\n`);
    },
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
