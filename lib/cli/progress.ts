import { Transform } from "node:stream";

export interface ProgressOptions {
  /** Where the progress goes: stderr unless told. */
  readonly write?: (text: string) => void;
  /** One bar redrawn in place, for a terminal, instead of a line per report, for a log. */
  readonly terminal?: boolean;
  /** The clock, in milliseconds; replaced in tests. */
  readonly now?: () => number;
}

export interface ByteProgress {
  /** Passes the bytes through unchanged, counting them. */
  readonly stream: Transform;
  /** Counts bytes that went by some other way than `stream`. */
  advance(bytes: number): void;
  /** Writes a closing line if progress was shown at all. */
  finish(summary: string): void;
  /** Ends a bar drawn on a terminal, so that what is written next starts on a line of its own. */
  interrupt(): void;
}

/** A log gets a line at most once a second; a terminal's bar can move more smoothly. */
const LINE_EVERY_MS = 1000;
const BAR_EVERY_MS = 200;
const BAR_WIDTH = 24;

/**
 * Counts the bytes that flow through and reports them — bytes, share, rate and time left — only when
 * the work lasts long enough to need it, so small files stay quiet.
 */
export function byteProgress(label: string, totalBytes: number, options: ProgressOptions = {}): ByteProgress {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const now = options.now ?? (() => performance.now());
  const terminal = options.terminal === true;
  const startedAt = now();
  let reportedAt = startedAt;
  let bytes = 0;
  let reported = false;
  let barOpen = false;

  const advance = (count: number): void => {
    bytes += count;
    const at = now();
    if (at - reportedAt < (terminal ? BAR_EVERY_MS : LINE_EVERY_MS)) return;
    reportedAt = at;
    reported = true;
    const figures = progressFigures(bytes, totalBytes, (at - startedAt) / 1000);
    if (terminal) {
      write(`\r${label} ${bar(bytes, totalBytes)} ${figures}\x1b[K`);
      barOpen = true;
    } else {
      write(`${label}: ${figures}\n`);
    }
  };
  const interrupt = (): void => {
    if (barOpen) write("\n");
    barOpen = false;
  };
  return {
    stream: new Transform({
      transform(chunk: Buffer, _encoding, done) {
        advance(chunk.length);
        done(null, chunk);
      },
    }),
    advance,
    finish(summary) {
      if (reported) write(`${terminal ? "\r" : ""}${label}: ${summary}${terminal ? "\x1b[K" : ""}\n`);
      barOpen = false;
    },
    interrupt,
  };
}

function progressFigures(bytes: number, totalBytes: number, seconds: number): string {
  const rate = bytes / seconds;
  const eta = rate > 0 ? Math.max(0, (totalBytes - bytes) / rate) : 0;
  const percent = Math.min(100, Math.floor((100 * bytes) / Math.max(1, totalBytes)));
  return `${megabytes(bytes)} of ${megabytes(totalBytes)} MB (${percent}%), ${megabytes(rate)} MB/s, about ${Math.ceil(eta)} s left`;
}

function bar(bytes: number, totalBytes: number): string {
  const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
}

export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
